/// What a transcript means in a context: an intent with its slot values, or nothing.
public enum IntentResult: Hashable, Sendable {
    /// The transcript is one of the context's commands.
    ///
    /// - Parameters:
    ///   - intent: the intent's name.
    ///   - slots: slot name → reported value (the normalized value where the context declares one).
    case understood(intent: String, slots: [String: String])
    /// The grammar cannot parse the transcript; it is returned as given, never guessed at.
    case notUnderstood(transcript: String)

    /// The intent's name, or `nil` when not understood.
    public var intent: String? {
        if case .understood(let intent, _) = self { return intent }
        return nil
    }

    /// The slot values (empty when not understood).
    public var slots: [String: String] {
        if case .understood(_, let slots) = self { return slots }
        return [:]
    }

    /// Whether the transcript was understood.
    public var isUnderstood: Bool { intent != nil }
}
