import EarshotInference
import Foundation

/// A streaming int8 wake-word model fed by the shared frontend, as pymicro-wakeword feeds it.
///
/// The model's input is `[1, stride, 40]` int8; every `stride` feature frames are quantized
/// (`round(feature / scale + zeroPoint)`, rounding halves to even, in double precision, as
/// NumPy does on pymicro-wakeword's float64 feature arrays; values beyond the int8 range are
/// clamped) and the model is invoked once. Its output is dequantized
/// to a probability. Invoking allocates nothing.
public final class StreamingWakeWordModel {
    /// The card the model was loaded from.
    public let card: DetectorModelCard
    /// Feature frames per invocation (the input's second dimension).
    public let stride: Int
    /// The interpreter running the model.
    public let interpreter: Interpreter

    private let channelCount: Int
    private let inputScale: Double
    private let inputZeroPoint: Double
    private let outputScale: Float
    private let outputZeroPoint: Float
    private let outputIsSigned: Bool
    private var quantized: [Int8]
    private var framesBuffered = 0

    /// Loads the model a card names and checks that it is a streaming int8 model.
    ///
    /// - Throws: ``EdgeError`` (`invalidModel`) or the interpreter's error, naming the file.
    public init(card: DetectorModelCard) throws {
        let path = card.modelURL.path
        let model: TFLiteModel
        do {
            model = try TFLiteModel(contentsOf: card.modelURL)
        } catch {
            throw EdgeError(.invalidModel, path, "\(error)")
        }
        let interpreter = try Interpreter(model: model)
        let input = try interpreter.input(0)
        let output = try interpreter.output(0)
        guard input.type == .int8, input.shape.count == 3, input.shape[0] == 1, input.shape[1] >= 1,
            let inputQuantization = input.quantization
        else {
            throw EdgeError(
                .invalidModel, path,
                "input \(input.name) is \(input.type) \(input.shape); a streaming model takes int8 [1, stride, channels]")
        }
        guard output.type == .uint8 || output.type == .int8, output.elementCount == 1, let outputQuantization = output.quantization else {
            throw EdgeError(
                .invalidModel, path,
                "output \(output.name) is \(output.type) \(output.shape); a wake-word model gives one quantized probability")
        }
        self.card = card
        self.interpreter = interpreter
        self.stride = input.shape[1]
        self.channelCount = input.shape[2]
        self.inputScale = Double(inputQuantization.scale)
        self.inputZeroPoint = Double(inputQuantization.zeroPoint)
        self.outputScale = outputQuantization.scale
        self.outputZeroPoint = Float(outputQuantization.zeroPoint)
        self.outputIsSigned = output.type == .int8
        self.quantized = [Int8](repeating: 0, count: input.shape[1] * input.shape[2])
    }

    /// Adds one frame of features (``channelCount`` values).
    ///
    /// - Returns: the probability when this frame completed an invocation, otherwise nil.
    public func push(_ features: UnsafeBufferPointer<Float>) throws -> Float? {
        precondition(features.count == channelCount, "a frame has \(features.count) values, the model takes \(channelCount)")
        let offset = framesBuffered * channelCount
        for channel in 0..<channelCount {
            let scaled = (Double(features[channel]) / inputScale + inputZeroPoint).rounded(.toNearestOrEven)
            quantized[offset &+ channel] = Int8(max(-128, min(127, scaled)))
        }
        framesBuffered += 1
        guard framesBuffered == stride else { return nil }
        framesBuffered = 0
        try quantized.withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
        try interpreter.invoke()
        let raw = try interpreter.withOutputBytes(0) { bytes in
            outputIsSigned ? Float(Int8(bitPattern: bytes[0])) : Float(bytes[0])
        }
        return (raw - outputZeroPoint) * outputScale
    }

    /// Features per frame the model takes.
    public var channels: Int { channelCount }

    /// Returns the model to its initial state: no buffered frames, variables reset.
    public func reset() {
        framesBuffered = 0
        interpreter.resetVariables()
    }
}
