import Foundation

/// The card of one model version: `cloud-models/<name>/<version>/card.json`.
///
/// It says what the model file is, how to run it, where its thresholds lie, and how to check
/// it: an end-to-end test set of recordings with expected outputs and the acceptable range of
/// a metric over that set. The service runs the checks at load and refuses a version that
/// fails them.
///
/// ```json
/// {"name": "alexa", "version": "1", "kind": "microwakeword-streaming", "role": "verifier",
///  "wake_word": "alexa", "model_file": "model.tflite", "model_sha256": "…",
///  "thresholds": {"probability_cutoff": 0.9, "sliding_window_size": 5, "stride": 3},
///  "test_set": [{"file": "test-set/alexa-en-1.wav", "expected_verified": true,
///                "expected_score": 0.98, "score_tolerance": 0.02}],
///  "acceptance": {"metric": "accuracy", "min": 1.0, "max": 1.0}}
/// ```
///
/// A test-set `file` is relative to the card's folder, or `data:<path>` for a recording under
/// the shared data folder (`../shared/data` beside the repository by default).
public struct ModelCard: Sendable, Codable, Equatable {
    /// The model's name (the folder above the version folder).
    public var name: String
    /// The version (the card's folder name).
    public var version: String
    /// How to run the file: ``streamingKind`` (a microWakeWord streaming model, the highest
    /// sliding-window mean over the segment) or ``windowedVerifierKind`` (one invocation over
    /// the segment's first `thresholds.stride` feature frames).
    public var kind: String
    /// What the model does in the pipeline: `verifier`.
    public var role: String
    /// The wake word the model verifies, matched case-insensitively to the upload's
    /// `X-Earshot-Wake-Word`.
    public var wakeWord: String
    /// The model file, relative to the card's folder.
    public var modelFile: String
    /// The SHA-256 hex of the model file; a file that does not match is refused.
    public var modelSHA256: String?
    /// Where the model comes from and its licence.
    public var source: String?
    /// The function's inputs as the KServe v2 metadata lists them.
    public var inputs: [TensorSpec]
    /// The function's outputs.
    public var outputs: [TensorSpec]
    /// Detection settings.
    public var thresholds: Thresholds
    /// The end-to-end test set.
    public var testSet: [TestCase]
    /// The acceptable range of the metric over the test set.
    public var acceptance: Acceptance
    /// How the expected scores were obtained (e.g. the reference implementation's command).
    public var expectedScoresFrom: String?

    /// A tensor of the served function, named as KServe v2 metadata names it.
    public struct TensorSpec: Sendable, Codable, Equatable {
        /// The tensor's name, e.g. `audio`.
        public var name: String
        /// The KServe datatype, e.g. `INT16`, `FP32`, `BOOL`.
        public var datatype: String
        /// The shape; `-1` for a dimension of any size.
        public var shape: [Int]
        /// What it holds.
        public var description: String?
    }

    /// The kind of a microWakeWord streaming model.
    public static let streamingKind = "microwakeword-streaming"
    /// The kind of a verifier that scores a segment's first frames in one invocation
    /// (`scripts/train-verifier.sh`): `thresholds.stride` is its window in frames and
    /// `thresholds.sliding_window_size` must be 1.
    public static let windowedVerifierKind = "windowed-verifier"
    /// Every kind the service runs.
    public static let supportedKinds = [streamingKind, windowedVerifierKind]

    /// The detector's settings (microWakeWord's manifest values).
    public struct Thresholds: Sendable, Codable, Equatable {
        /// The sliding-window mean must exceed this for the wake word to count as verified (a
        /// `windowed-verifier`'s score must reach it).
        public var probabilityCutoff: Double
        /// How many consecutive probabilities are averaged.
        public var slidingWindowSize: Int
        /// Feature frames per invocation (the model input's second dimension); for a
        /// `windowed-verifier`, the window: the segment's first `stride` frames.
        public var stride: Int

        private enum CodingKeys: String, CodingKey {
            case probabilityCutoff = "probability_cutoff"
            case slidingWindowSize = "sliding_window_size"
            case stride
        }
    }

    /// One recording of the test set and what the model must answer for it.
    public struct TestCase: Sendable, Codable, Equatable {
        /// The recording (see the type's documentation for the path forms).
        public var file: String
        /// Whether the model must verify the wake word in it.
        public var expectedVerified: Bool
        /// The score the model must give, within ``scoreTolerance``; unchecked when nil.
        public var expectedScore: Double?
        /// How far the score may lie from ``expectedScore`` (default 0.02).
        public var scoreTolerance: Double?

        private enum CodingKeys: String, CodingKey {
            case file
            case expectedVerified = "expected_verified"
            case expectedScore = "expected_score"
            case scoreTolerance = "score_tolerance"
        }
    }

    /// The metric over the test set and its acceptable range.
    public struct Acceptance: Sendable, Codable, Equatable {
        /// `accuracy`: the share of test recordings whose verified flag matches.
        public var metric: String
        /// The lowest acceptable value.
        public var min: Double
        /// The highest acceptable value.
        public var max: Double
    }

    private enum CodingKeys: String, CodingKey {
        case name, version, kind, role
        case wakeWord = "wake_word"
        case modelFile = "model_file"
        case modelSHA256 = "model_sha256"
        case source, inputs, outputs, thresholds
        case testSet = "test_set"
        case acceptance
        case expectedScoresFrom = "expected_scores_from"
    }

    /// Reads and checks the card at `path`.
    ///
    /// - Throws: ``CloudError`` with code `model_refused` naming the file and the field.
    public static func read(path: String) throws -> ModelCard {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CloudError(.modelRefused, "\(path): cannot read the card")
        }
        let card: ModelCard
        do {
            card = try JSONDecoder().decode(ModelCard.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw CloudError(.modelRefused, "\(path): the card lacks '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw CloudError(
                .modelRefused, "\(path): '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw CloudError(.modelRefused, "\(path): not a valid card: \(error)")
        }
        guard supportedKinds.contains(card.kind) else {
            throw CloudError(
                .modelRefused,
                "\(path): kind '\(card.kind)' is not supported (supported: \(supportedKinds.joined(separator: ", ")))")
        }
        if card.kind == windowedVerifierKind, card.thresholds.slidingWindowSize != 1 {
            throw CloudError(.modelRefused, "\(path): a \(windowedVerifierKind) needs thresholds.sliding_window_size 1")
        }
        guard card.thresholds.stride >= 1, card.thresholds.slidingWindowSize >= 1,
            (0...1).contains(card.thresholds.probabilityCutoff)
        else {
            throw CloudError(.modelRefused, "\(path): thresholds out of range")
        }
        guard !card.testSet.isEmpty else { throw CloudError(.modelRefused, "\(path): the test set is empty") }
        guard card.acceptance.metric == "accuracy", card.acceptance.min <= card.acceptance.max else {
            throw CloudError(.modelRefused, "\(path): acceptance must name the metric 'accuracy' with min <= max")
        }
        return card
    }
}
