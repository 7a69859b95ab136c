/// A model by name and version, as the edge and the cloud name it in metadata and answers.
///
/// JSON: `{"name": "computer", "version": "3"}`; in the prediction an optional `role` says what
/// the model did (`"verifier"`, `"recognizer"`, `"intent"` …).
public struct ModelReference: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The model's name, e.g. `computer` or `hey_jarvis`.
    public var name: String
    /// The model's version as its card gives it, e.g. `3` or `2024-05-01`.
    public var version: String
    /// What the model did for this answer, when an answer names several models.
    public var role: String?

    /// Creates a reference.
    public init(name: String, version: String, role: String? = nil) {
        self.name = name
        self.version = version
        self.role = role
    }

    /// `name@version`.
    public var description: String { "\(name)@\(version)" }
}
