import EarshotInference
import EarshotWire
import Foundation

/// A model version that passed its card's checks: the card, the parsed model and where they lie.
///
/// Immutable and shared by every worker; each worker builds its own ``WakeWordVerifier``.
public final class LoadedModel: Sendable {
    /// The card.
    public let card: ModelCard
    /// The parsed model file.
    public let tflite: TFLiteModel
    /// The version folder.
    public let directory: String
    /// The outcome of the card's checks.
    public let checks: CardCheckReport

    /// `name@version` with the model's role.
    public var reference: ModelReference { ModelReference(name: card.name, version: card.version, role: card.role) }

    init(card: ModelCard, tflite: TFLiteModel, directory: String, checks: CardCheckReport) {
        self.card = card
        self.tflite = tflite
        self.directory = directory
        self.checks = checks
    }
}

/// What the card's checks found for one version.
public struct CardCheckReport: Sendable, Codable, Equatable {
    /// One line per test recording.
    public struct Case: Sendable, Codable, Equatable {
        /// The recording.
        public var file: String
        /// The score the model gave.
        public var score: Double
        /// Whether it verified the wake word.
        public var verified: Bool
        /// Whether this case met the card's expectations (flag and score).
        public var passed: Bool
        /// Why not, when it did not.
        public var problem: String?
    }
    /// Every test recording.
    public var cases: [Case]
    /// The metric over the test set.
    public var metric: Double
    /// Whether the version may serve.
    public var passed: Bool
    /// Every reason it may not, in one line each.
    public var problems: [String]
}
