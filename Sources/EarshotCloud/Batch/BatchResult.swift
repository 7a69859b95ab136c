import EarshotWire
import Foundation

/// One JSON line of batch output: `{"file", "key", "verified", "score", "models", "timings"}`
/// (with a context also `"transcript", "intent", "slots", "understood"`), or
/// `{"file", "key", "error": {"code", "message"}}` when the recording could not be scored.
public struct BatchResult: Sendable, Codable, Equatable, UnderstandingAnswer {
    /// The recording.
    public var file: String
    /// The item's key.
    public var key: String
    /// Whether the verifier confirmed the wake word.
    public var verified: Bool?
    /// The verifier's score.
    public var score: Double?
    /// The models that ran.
    public var models: [ModelReference]?
    /// Milliseconds spent.
    public var timings: PredictionTimings?
    /// What was said, when a context was applied.
    public var transcript: String?
    /// The intent, when understood.
    public var intent: String?
    /// The intent's slots, when understood.
    public var slots: [String: String]?
    /// Whether the command was understood, when a context was applied.
    public var understood: Bool?
    /// The grammar/free-form score ratio the acceptance rule compared (for tuning it).
    public var scoreRatio: Double?
    /// Why there is no prediction.
    public var error: ErrorResponse.Detail?

    /// Creates a line.
    public init(
        file: String, key: String, verified: Bool? = nil, score: Double? = nil, models: [ModelReference]? = nil,
        timings: PredictionTimings? = nil, error: ErrorResponse.Detail? = nil
    ) {
        self.file = file
        self.key = key
        self.verified = verified
        self.score = score
        self.models = models
        self.timings = timings
        self.error = error
    }

    private enum CodingKeys: String, CodingKey {
        case file, key, verified, score, models, timings, transcript, intent, slots, understood, error
        case scoreRatio = "score_ratio"
    }

    /// The line's JSON bytes, without the newline.
    public func jsonLine() -> [UInt8] { (try? Array(WireJSON.encode(self))) ?? [] }
}
