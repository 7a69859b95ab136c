import EarshotAudio

/// Runs recordings through the detection pipeline at full speed, one fresh stream each.
public final class ReplayScanner {
    /// What one recording produced.
    public struct Result: Sendable {
        /// The recording's path.
        public var path: String
        /// Seconds of audio.
        public var duration: Double
        /// Detections at the pipeline's cutoffs.
        public var events: [DetectionEvent]
        /// Every invocation's probability, per model, with the stream position it was made at.
        public var probabilities: [[(probability: Float, sampleIndex: Int)]]
    }

    /// The pipeline every recording runs through.
    public let pipeline: DetectionPipeline

    /// Creates a scanner; `floor` replaces every card's cutoff (to report weaker events too).
    public init(cards: [DetectorModelCard], floor: Double? = nil) throws {
        pipeline = try DetectionPipeline(cards: cards, cutoffOverride: floor)
    }

    /// Scans one recording from its start, with every model and detector reset.
    ///
    /// - Parameters:
    ///   - path: the WAV file.
    ///   - realTime: deliver the audio no faster than a microphone would (10 ms chunks).
    public func scan(path: String, realTime: Bool = false) throws -> Result {
        pipeline.reset()
        let reader = try AudioFileReader(path: path)
        let source: any SampleSource = realTime ? PacedSampleSource(reader, chunkSize: 160) : reader
        var events: [DetectionEvent] = []
        var probabilities = Array(repeating: [(probability: Float, sampleIndex: Int)](), count: pipeline.models.count)
        let samples = try source.forEachChunk(size: 16_000) { chunk in
            try pipeline.process(chunk, onInvocation: { probabilities[$0].append(($1, $2)) }, onEvent: { events.append($0) })
        }
        return Result(path: path, duration: Double(samples) / 16_000, events: events, probabilities: probabilities)
    }
}
