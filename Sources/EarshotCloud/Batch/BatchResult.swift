import EarshotWire
import Foundation

/// One JSON line of batch output: `{"file", "key", "verified", "score", "models", "timings"}`, or
/// `{"file", "key", "error": {"code", "message"}}` when the recording could not be scored.
public struct BatchResult: Sendable, Codable, Equatable {
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

    /// The line's JSON bytes, without the newline.
    public func jsonLine() -> [UInt8] { (try? Array(WireJSON.encode(self))) ?? [] }
}
