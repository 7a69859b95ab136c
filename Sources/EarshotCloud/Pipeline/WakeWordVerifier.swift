import EarshotFeatures
import EarshotInference

/// What the verifier found in one segment.
public struct VerifierOutput: Sendable, Equatable {
    /// The highest sliding-window mean of the model's probability over the segment, in 0…1
    /// (for a `windowed-verifier` card: the probability of its one invocation).
    public var score: Double
    /// Whether ``score`` exceeds the card's cutoff (reaches it, for a `windowed-verifier`).
    public var verified: Bool
    /// Model invocations run.
    public var invocations: Int
}

/// Runs a wake-word model over a whole segment as a stateless function.
///
/// A `windowed-verifier` card runs one invocation over the segment's first frames (see
/// ``verifyWindow(_:)``); a `microwakeword-streaming` card runs as follows.
///
/// Per segment: the frontend and the model's variables are reset, features come from
/// ``EarshotFeatures/FeatureFrontend``, every `stride` frames are quantized
/// (round-half-even of `feature / scale + zero_point`, in Float32) into one invocation, the
/// output is dequantized, and the score is the highest mean over `sliding_window_size`
/// consecutive outputs — as pymicro-wakeword computes it.
///
/// Not thread-safe: each inference worker owns its own verifiers (they share the model).
public final class WakeWordVerifier {
    /// The model version this verifier runs.
    public let model: LoadedModel
    // Internal rather than private: WakeWordVerifier+Windowed.swift reads them.
    let interpreter: Interpreter
    let frontend: FeatureFrontend
    private let inputScale: Float
    private let inputZeroPoint: Float
    let stride: Int
    let channels: Int
    /// True for a `windowed-verifier` card: one invocation over the first `stride` frames.
    let isWindowed: Bool
    let inputIsInt8: Bool

    /// Prepares an interpreter and a frontend for `model`.
    ///
    /// - Throws: ``CloudError`` with code `model_refused` when the model's input is not
    ///   `[1, stride, 40]` int8 (or float32, for a `windowed-verifier` card) or its output is not
    ///   a single probability.
    public init(model: LoadedModel) throws {
        self.model = model
        do {
            interpreter = try Interpreter(model: model.tflite)
            frontend = try FeatureFrontend()
        } catch {
            throw CloudError(.modelRefused, "\(model.reference): cannot prepare the interpreter: \(error)")
        }
        let input = try interpreter.input(0)
        let output = try interpreter.output(0)
        stride = model.card.thresholds.stride
        channels = frontend.channelCount
        isWindowed = model.card.kind == ModelCard.windowedVerifierKind
        inputIsInt8 = input.type == .int8
        let quantization = input.quantization
        let scale = quantization?.scales.first ?? 1
        let zeroPoint = quantization?.zeroPoints.first ?? 0
        let typeFits = (inputIsInt8 && quantization?.scales.first != nil) || (isWindowed && input.type == .float32)
        guard typeFits, input.shape == [1, stride, channels] else {
            let types = isWindowed ? "int8 or float32" : "int8"
            throw CloudError(
                .modelRefused,
                "\(model.reference): input is \(input.type) \(input.shape); the card's stride needs \(types) [1, \(stride), \(channels)]")
        }
        guard output.elementCount == 1, output.type == .uint8 || output.type == .int8 || output.type == .float32 else {
            throw CloudError(.modelRefused, "\(model.reference): output is \(output.type) \(output.shape), expected one probability")
        }
        inputScale = scale
        inputZeroPoint = Float(zeroPoint)
    }

    /// `feature` as the model's int8 input: round-half-even of `feature / scale + zero_point`
    /// in Float32, clamped (both kinds of card quantize this way).
    @inline(__always)
    func quantized(_ feature: Float) -> Int8 {
        Int8(max(-128, min(127, (feature / inputScale + inputZeroPoint).rounded(.toNearestOrEven))))
    }

    /// Scores one segment of 16 kHz mono samples.
    public func verify(_ samples: UnsafeBufferPointer<Int16>) throws -> VerifierOutput {
        if isWindowed { return try verifyWindow(samples) }
        frontend.reset()
        interpreter.resetVariables()
        let windowSize = model.card.thresholds.slidingWindowSize
        var ring = [Double](repeating: 0, count: windowSize)
        var filled = 0
        var ringIndex = 0
        var best = 0.0
        var invocations = 0
        var framesInStep = 0
        var input = [Int8](repeating: 0, count: stride * channels)
        try frontend.process(samples) { frame in
            let base = framesInStep * channels
            for channel in 0..<channels { input[base + channel] = quantized(frame.features[channel]) }
            framesInStep += 1
            guard framesInStep == stride else { return }
            framesInStep = 0
            try input.withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
            try interpreter.invoke()
            invocations += 1
            let probability = Double(try interpreter.dequantizedOutput(0)[0])
            ring[ringIndex] = probability
            ringIndex = (ringIndex + 1) % windowSize
            filled = min(filled + 1, windowSize)
            if filled == windowSize {
                var sum = 0.0
                for value in ring { sum += value }
                best = max(best, sum / Double(windowSize))
            }
        }
        return VerifierOutput(score: best, verified: best > model.card.thresholds.probabilityCutoff, invocations: invocations)
    }

    /// Scores one segment given as an array.
    public func verify(_ samples: [Int16]) throws -> VerifierOutput {
        try samples.withUnsafeBufferPointer { try verify($0) }
    }
}
