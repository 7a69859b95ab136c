#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the edge knows about one segment, sent with its audio and kept beside it in the spool.
///
/// JSON (as the spool stores it; the upload carries the same fields as
/// ``SegmentUpload`` `X-Earshot-*` headers):
///
/// ```json
/// {"key": "kitchen-pi.b000042.s000017", "wake_word": "computer", "score": 0.97,
///  "model": {"name": "computer", "version": "3"},
///  "capture_start": "2026-11-21T14:18:38.120Z", "capture_end": "2026-11-21T14:18:41.500Z",
///  "sample_rate": 16000}
/// ```
public struct SegmentMetadata: Hashable, Sendable, Codable {
    /// The segment's key.
    public var key: SegmentKey
    /// The label of the wake word (or command) that triggered the segment.
    public var wakeWord: String
    /// The detector's score for the trigger, in 0…1.
    public var score: Double
    /// The edge model that fired.
    public var model: ModelReference
    /// When the first sample of the segment was captured (the pre-roll included).
    public var captureStart: Date
    /// When the last sample of the segment was captured.
    public var captureEnd: Date
    /// Samples per second of the audio; the contract uses 16 000.
    public var sampleRate: Int

    /// Creates metadata; ``validate()`` checks it.
    public init(
        key: SegmentKey, wakeWord: String, score: Double, model: ModelReference, captureStart: Date, captureEnd: Date,
        sampleRate: Int = SegmentWAV.sampleRate
    ) {
        self.key = key
        self.wakeWord = wakeWord
        self.score = score
        self.model = model
        self.captureStart = captureStart
        self.captureEnd = captureEnd
        self.sampleRate = sampleRate
    }

    /// Checks the values the contract constrains: a score in 0…1, an end not before the start,
    /// labels and model names that fit in a header (printable ASCII, at most 128 bytes) and the
    /// 16 kHz sample rate.
    ///
    /// - Throws: ``WireError`` naming the field.
    public func validate() throws {
        guard score.isFinite, (0...1).contains(score) else {
            throw WireError(.invalidValue, "\(key): score", "must be a number in 0...1, got \(score)")
        }
        guard captureEnd >= captureStart else {
            throw WireError(.invalidValue, "\(key): capture_end", "is before capture_start")
        }
        guard sampleRate == SegmentWAV.sampleRate else {
            throw WireError(.invalidValue, "\(key): sample_rate", "must be \(SegmentWAV.sampleRate), got \(sampleRate)")
        }
        for (field, value) in [("wake_word", wakeWord), ("model.name", model.name), ("model.version", model.version)] {
            try Self.validateHeaderText(value, field: "\(key): \(field)")
        }
    }

    static func validateHeaderText(_ value: String, field: String) throws {
        guard !value.isEmpty, value.utf8.count <= 128,
            value.utf8.allSatisfy({ (0x21...0x7E).contains($0) || $0 == 0x20 }), value.first != " ", value.last != " "
        else {
            throw WireError(
                .invalidValue, field,
                "must be 1 to 128 printable ASCII characters without leading or trailing spaces, got '\(SegmentKey.printable(value))'")
        }
    }

    private enum CodingKeys: String, CodingKey {
        case key
        case wakeWord = "wake_word"
        case score, model
        case captureStart = "capture_start"
        case captureEnd = "capture_end"
        case sampleRate = "sample_rate"
    }

    /// Decodes metadata; timestamps are RFC 3339 strings (``WireTimestamp``).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(SegmentKey.self, forKey: .key)
        wakeWord = try container.decode(String.self, forKey: .wakeWord)
        score = try container.decode(Double.self, forKey: .score)
        model = try container.decode(ModelReference.self, forKey: .model)
        captureStart = try Self.decodeTimestamp(container, .captureStart)
        captureEnd = try Self.decodeTimestamp(container, .captureEnd)
        sampleRate = try container.decode(Int.self, forKey: .sampleRate)
    }

    /// Encodes metadata; timestamps become RFC 3339 strings (``WireTimestamp``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(wakeWord, forKey: .wakeWord)
        try container.encode(score, forKey: .score)
        try container.encode(model, forKey: .model)
        try container.encode(WireTimestamp.format(captureStart), forKey: .captureStart)
        try container.encode(WireTimestamp.format(captureEnd), forKey: .captureEnd)
        try container.encode(sampleRate, forKey: .sampleRate)
    }

    private static func decodeTimestamp(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> Date {
        let text = try container.decode(String.self, forKey: key)
        guard let date = WireTimestamp.parse(text) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container, debugDescription: "'\(text)' is not an RFC 3339 timestamp")
        }
        return date
    }
}
