/// A command drawn from a context's grammar, with the meaning it was drawn for.
public struct SampledCommand: Hashable, Sendable, Codable {
    /// The words, lowercased and joined by single spaces.
    public let text: String
    /// The intent the command was drawn from.
    public let intent: String
    /// Slot name → reported value, as a parse should return them.
    public let slots: [String: String]

    /// Creates a sampled command.
    public init(text: String, intent: String, slots: [String: String]) {
        self.text = text
        self.intent = intent
        self.slots = slots
    }
}
