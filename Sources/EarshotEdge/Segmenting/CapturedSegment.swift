/// The audio of one utterance cut around a wake word: what the agent spools and uploads.
public struct CapturedSegment: Sendable, Equatable {
    /// Why the segment ended.
    public enum EndReason: String, Sendable, Equatable, Codable {
        /// The speaker stopped: the trailing silence was reached.
        case silence
        /// The maximum length was reached while the speaker went on.
        case maximumLength
        /// Nobody spoke after the wake word within the command time-out.
        case noCommand
        /// The input ended.
        case endOfStream
    }

    /// The detection that opened the segment.
    public var event: DetectionEvent
    /// 16 kHz mono samples from ``startSample`` up to ``endSample``.
    public var samples: [Int16]
    /// Stream position of the first sample.
    public var startSample: Int
    /// Stream position after the last sample.
    public var endSample: Int
    /// Where the segmenter estimated the wake word started.
    public var wakeWordStartSample: Int
    /// Why the segment ended.
    public var endReason: EndReason

    /// Duration in seconds.
    public var duration: Double { Double(samples.count) / 16_000 }
}
