import EarshotInference
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A model fed one feature frame at a time by the shared frontend, in one of two forms:
///
/// - **streaming** (microWakeWord's form; a card without `input`): the input is
///   `[1, stride, channels]`; every `stride` frames are quantized and the model is invoked
///   once; the model keeps its own state in resource variables;
/// - **windowed** (a card with `input.window_frames` and `input.hop_frames`): the input is
///   `[1, window, channels]` (or `[1, window, channels, 1]`); once `window` frames have
///   arrived the model is invoked every `hop` frames on the latest `window` frames.
///
/// Int8 inputs are quantized as pymicro-wakeword does (`round(feature / scale + zeroPoint)`,
/// halves to even, in double precision, as NumPy does on its float64 arrays; clamped to the
/// int8 range); float32 inputs take the features as they are. Outputs are dequantized into
/// ``scores``: one probability for a wake-word model, one score per label for a classifier.
/// Pushing frames and invoking allocate nothing.
public final class FrameModel {
    /// The card the model was loaded from.
    public let card: DetectorModelCard
    /// The interpreter running the model.
    public let interpreter: Interpreter
    /// Feature frames between invocations (the stride, or the hop of a windowed model).
    public let framesPerInvocation: Int
    /// Features per frame the model takes.
    public let channels: Int
    /// The output of the last invocation.
    public private(set) var scores: [Float]

    private let windowFrames: Int  // frames in the input tensor
    private let isWindowed: Bool
    private let inputIsFloat: Bool
    private let inputScale: Double
    private let inputZeroPoint: Double
    private let outputType: TensorType
    private let outputScale: Float
    private let outputZeroPoint: Float
    private var frames: [Float]  // ring of the last `windowFrames` frames (float features)
    private var inputBytes: [UInt8]
    private var framesSeen = 0
    private var framesSinceInvocation = 0

    /// Loads the model a card names and checks its input and output against the card.
    ///
    /// - Throws: ``EdgeError`` (`invalidModel`) naming the file and what does not fit, or the
    ///   interpreter's error for a file that is not a usable model.
    public init(card: DetectorModelCard) throws {
        let path = card.modelURL.path
        let model: TFLiteModel
        do {
            model = try TFLiteModel(contentsOf: card.modelURL)
        } catch {
            throw EdgeError(.invalidModel, path, "\(error)")
        }
        // The arithmetic of TFLite's optimized kernels, which the microWakeWord runtimes
        // (pymicro-wakeword's libtensorflowlite_c) use: the agent fires where they fire.
        let interpreter = try Interpreter(model: model, options: .init(rounding: .liteRTOptimized))
        let input = try interpreter.input(0)
        let output = try interpreter.output(0)
        let shape = input.shape
        guard input.type == .int8 || input.type == .float32, shape.count == 3 || (shape.count == 4 && shape[3] == 1),
            shape[0] == 1, shape[1] >= 1, shape[2] >= 1
        else {
            throw EdgeError(
                .invalidModel, path, "input \(input.name) is \(input.type) \(shape); expected int8 or float32 [1, frames, channels]")
        }
        if let window = card.windowFrames {
            guard shape[1] == window else {
                throw EdgeError(.invalidModel, path, "input \(input.name) holds \(shape[1]) frames but the card's window is \(window)")
            }
        }
        let expectedOutputs = card.kind == .classifier ? card.labels.count : 1
        guard output.elementCount == expectedOutputs, output.type == .uint8 || output.type == .int8 || output.type == .float32 else {
            throw EdgeError(
                .invalidModel, path, "output \(output.name) is \(output.type) \(output.shape); the card expects \(expectedOutputs) score(s)"
            )
        }
        if input.type == .int8 || output.type != .float32 {
            guard (input.type == .float32 || input.quantization != nil), (output.type == .float32 || output.quantization != nil) else {
                throw EdgeError(.invalidModel, path, "a quantized input or output has no quantization parameters")
            }
        }
        self.card = card
        self.interpreter = interpreter
        isWindowed = card.windowFrames != nil
        windowFrames = shape[1]
        channels = shape[2]
        framesPerInvocation = card.hopFrames ?? shape[1]
        inputIsFloat = input.type == .float32
        inputScale = Double(input.quantization?.scale ?? 1)
        inputZeroPoint = Double(input.quantization?.zeroPoint ?? 0)
        outputType = output.type
        outputScale = output.quantization?.scale ?? 1
        outputZeroPoint = Float(output.quantization?.zeroPoint ?? 0)
        frames = [Float](repeating: 0, count: shape[1] * shape[2])
        inputBytes = [UInt8](repeating: 0, count: input.byteCount)
        scores = [Float](repeating: 0, count: expectedOutputs)
    }

    /// Adds one frame of features (``channels`` values).
    ///
    /// - Returns: true when this frame completed an invocation; ``scores`` then holds its output.
    public func push(_ features: UnsafeBufferPointer<Float>) throws -> Bool {
        precondition(features.count == channels, "a frame has \(features.count) values, the model takes \(channels)")
        let slot = (isWindowed ? framesSeen % windowFrames : framesSinceInvocation) * channels
        for channel in 0..<channels { frames[slot &+ channel] = features[channel] }
        framesSeen += 1
        framesSinceInvocation += 1
        if isWindowed {
            guard framesSeen >= windowFrames, framesSinceInvocation >= framesPerInvocation else { return false }
        } else {
            guard framesSinceInvocation == windowFrames else { return false }
        }
        framesSinceInvocation = 0
        try invoke()
        return true
    }

    /// The best label and its score for the last invocation (the card's name and the
    /// probability for a wake-word model; background labels `silence` and `unknown` are
    /// skipped for a classifier).
    public var detection: (label: String, score: Float) {
        guard card.kind == .classifier else { return (card.name, scores[0]) }
        var best = (label: card.name, score: Float(0))
        for (index, label) in card.labels.enumerated() where !Self.backgroundLabels.contains(label) && scores[index] > best.score {
            best = (label, scores[index])
        }
        return best
    }

    /// Labels a classifier uses for "no command".
    public static let backgroundLabels: Set<String> = ["silence", "unknown", "_silence_", "_unknown_", "background"]

    /// Returns the model to its initial state: no buffered frames, variables reset.
    public func reset() {
        framesSeen = 0
        framesSinceInvocation = 0
        for index in frames.indices { frames[index] = 0 }
        interpreter.resetVariables()
    }

    private func invoke() throws {
        // Oldest frame first: a windowed ring starts at the slot the next frame will take.
        let start = isWindowed ? framesSeen % windowFrames : 0
        inputBytes.withUnsafeMutableBytes { raw in
            for position in 0..<windowFrames {
                let source = ((start + position) % windowFrames) * channels
                let target = position * channels
                for channel in 0..<channels {
                    let feature = frames[source &+ channel]
                    if inputIsFloat {
                        raw.storeBytes(of: feature, toByteOffset: (target &+ channel) * 4, as: Float.self)
                    } else {
                        let scaled = (Double(feature) / inputScale + inputZeroPoint).rounded(.toNearestOrEven)
                        raw[target &+ channel] = UInt8(bitPattern: Int8(max(-128, min(127, scaled))))
                    }
                }
            }
        }
        try inputBytes.withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
        try interpreter.invoke()
        try interpreter.withOutputBytes(0) { bytes in
            for index in scores.indices {
                switch outputType {
                case .float32: scores[index] = bytes.loadUnaligned(fromByteOffset: index * 4, as: Float.self)
                case .int8: scores[index] = (Float(Int8(bitPattern: bytes[index])) - outputZeroPoint) * outputScale
                default: scores[index] = (Float(bytes[index]) - outputZeroPoint) * outputScale
                }
            }
        }
    }
}
