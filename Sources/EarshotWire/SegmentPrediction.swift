/// The cloud's answer to an upload: the keyed phase-2 prediction.
///
/// JSON:
///
/// ```json
/// {"key": "kitchen-pi.b000042.s000017", "verified": true, "score": 0.93,
///  "models": [{"name": "verifier", "version": "2", "role": "verifier"}],
///  "timings": {"queue_ms": 0.4, "inference_ms": 38.2, "total_ms": 41.0},
///  "transcript": "computer turn on the kitchen lights", "intent": "changeLights",
///  "slots": {"state": "on", "room": "kitchen"}, "understood": true}
/// ```
///
/// `transcript`, `intent`, `slots` and `understood` are absent when the cloud runs no
/// recognizer. A segment the cloud could not map to an intent has `understood: false`, the
/// transcript it heard, and no intent or slots (a rejected wake word is not understood either).
public struct SegmentPrediction: Hashable, Sendable, Codable {
    /// The key of the segment the prediction is about.
    public var key: SegmentKey
    /// Whether the cloud's verifier confirmed the wake word.
    public var verified: Bool
    /// The verifier's score, in 0…1.
    public var score: Double
    /// The models that made the prediction, with their versions.
    public var models: [ModelReference]
    /// How long the cloud took.
    public var timings: PredictionTimings
    /// What was said, when a recognizer ran.
    public var transcript: String?
    /// The recognized intent's name, when an intent parser ran.
    public var intent: String?
    /// The intent's slots (name → value), when an intent parser ran.
    public var slots: [String: String]?
    /// Whether the command was understood as an intent of the context, when one was applied.
    public var understood: Bool?

    /// Creates a prediction.
    public init(
        key: SegmentKey, verified: Bool, score: Double, models: [ModelReference], timings: PredictionTimings,
        transcript: String? = nil, intent: String? = nil, slots: [String: String]? = nil, understood: Bool? = nil
    ) {
        self.key = key
        self.verified = verified
        self.score = score
        self.models = models
        self.timings = timings
        self.transcript = transcript
        self.intent = intent
        self.slots = slots
        self.understood = understood
    }
}

/// The cloud's timings for one prediction, in milliseconds.
///
/// JSON: `{"queue_ms": 0.4, "inference_ms": 38.2, "total_ms": 41.0, "stages": {"verify": 38.2}}`;
/// `queue_ms` and `stages` are optional.
public struct PredictionTimings: Hashable, Sendable, Codable {
    /// Time spent waiting for an inference worker.
    public var queueMilliseconds: Double?
    /// Time spent running models.
    public var inferenceMilliseconds: Double
    /// Time from the end of the request body to the start of the answer.
    public var totalMilliseconds: Double
    /// Time per pipeline stage (`verify`, `recognize`, `intent` …); the service also gives
    /// `recognize_grammar` and `recognize_free`, its two recognition passes, which run side by
    /// side (`recognize` is the longer of them).
    public var stages: [String: Double]?

    /// Creates timings.
    public init(
        queueMilliseconds: Double? = nil, inferenceMilliseconds: Double, totalMilliseconds: Double,
        stages: [String: Double]? = nil
    ) {
        self.queueMilliseconds = queueMilliseconds
        self.inferenceMilliseconds = inferenceMilliseconds
        self.totalMilliseconds = totalMilliseconds
        self.stages = stages
    }

    private enum CodingKeys: String, CodingKey {
        case queueMilliseconds = "queue_ms"
        case inferenceMilliseconds = "inference_ms"
        case totalMilliseconds = "total_ms"
        case stages
    }
}
