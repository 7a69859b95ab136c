/// A wake word heard: which model fired, how sure it was, and when.
public struct DetectionEvent: Sendable, Equatable, Codable {
    /// The name of the model that fired (its card's `name`).
    public var label: String
    /// The windowed mean probability that crossed the cutoff.
    public var score: Double
    /// The feature frame whose arrival completed the detecting invocation (0-based).
    public var frameIndex: Int
    /// The sample after the last one that frame covers: the moment the detection fired.
    public var sampleIndex: Int

    /// Seconds from the start of the stream to the moment the detection fired.
    public var timeSeconds: Double { Double(sampleIndex) / 16_000 }

    /// Creates an event.
    public init(label: String, score: Double, frameIndex: Int, sampleIndex: Int) {
        self.label = label
        self.score = score
        self.frameIndex = frameIndex
        self.sampleIndex = sampleIndex
    }
}
