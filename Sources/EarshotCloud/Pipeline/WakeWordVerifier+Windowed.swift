import EarshotFeatures
import EarshotInference

extension WakeWordVerifier {
    /// Scores a segment with a `windowed-verifier` model: one invocation over its first frames.
    ///
    /// The model's input is the segment's first `stride` feature frames (the card's
    /// `thresholds.stride`, the input's second dimension) from
    /// ``EarshotFeatures/FeatureFrontend/leadingFeatures(of:count:)``, which continues a short
    /// segment with silence, as the training data was made (`earshot-replay segments
    /// --frames`). An int8 input
    /// is quantized as the streaming kind quantizes (round-half-even of
    /// `feature / scale + zero_point`); a float32 input takes the features as they are. The
    /// dequantized output is the score, and the wake word counts as verified when the score
    /// reaches the card's `probability_cutoff`.
    ///
    /// - Parameter samples: 16 kHz mono samples of one segment, starting where the edge cut it.
    /// - Returns: the score, the decision and one invocation.
    /// - Throws: what the interpreter throws.
    func verifyWindow(_ samples: UnsafeBufferPointer<Int16>) throws -> VerifierOutput {
        let features = frontend.leadingFeatures(of: samples, count: stride)
        if inputIsInt8 {
            try interpreter.setInput(0, int8: features.map(quantized))
        } else {
            try interpreter.setInput(0, float: features)
        }
        try interpreter.invoke()
        let score = Double(try interpreter.dequantizedOutput(0)[0])
        return VerifierOutput(score: score, verified: score >= model.card.thresholds.probabilityCutoff, invocations: 1)
    }
}
