import EarshotAudio

/// Cuts the segments the edge agent would send for a recording: the detection pipeline and the
/// ``Segmenter`` run over it as the agent runs them, and every segment is returned instead of
/// being uploaded.
///
/// It is how the verifier's training and evaluation data are made (`earshot-replay segments`):
/// the cloud sees exactly these cuts, so the verifier learns and is scored on them.
public final class ReplaySegmentCutter {
    /// The pipeline every recording runs through.
    public let pipeline: DetectionPipeline
    /// The segmenter's tuning (the agent's defaults unless told otherwise).
    public let settings: Segmenter.Settings

    /// Creates a cutter.
    ///
    /// - Parameters:
    ///   - cards: the edge models.
    ///   - floor: replaces every card's cutoff, e.g. a lower one to collect near misses too.
    ///   - settings: the segmenter's tuning.
    /// - Throws: what ``DetectionPipeline`` throws for a model it cannot run.
    public init(cards: [DetectorModelCard], floor: Double? = nil, settings: Segmenter.Settings = .init()) throws {
        pipeline = try DetectionPipeline(cards: cards, cutoffOverride: floor)
        self.settings = settings
    }

    /// Runs one recording from its start, with every model and detector reset, in the agent's
    /// 100 ms chunks (``TwoPhaseScorer`` scores these same cuts).
    ///
    /// - Parameter samples: 16 kHz mono samples of the whole recording.
    /// - Returns: the segments, in order; the last one may end with the recording.
    public func cut(_ samples: [Int16]) throws -> [CapturedSegment] {
        pipeline.reset()
        let segmenter = Segmenter(settings: settings)
        var segments: [CapturedSegment] = []
        try samples.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let chunk = UnsafeBufferPointer(rebasing: buffer[offset..<min(buffer.count, offset + 1_600)])
                segments += segmenter.append(chunk)
                try pipeline.process(chunk) { segmenter.trigger($0) }
                offset += chunk.count
            }
        }
        if let last = segmenter.finish() { segments.append(last) }
        return segments
    }

    /// Reads a recording (any WAV, converted to 16 kHz mono) and cuts it.
    ///
    /// - Throws: ``EarshotAudio`` read errors naming the file, or what ``cut(_:)`` throws.
    public func cut(path: String) throws -> [CapturedSegment] {
        try cut(try AudioFileReader.readAll(path: path))
    }
}
