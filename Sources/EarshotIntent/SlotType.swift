/// A slot type of a context: a named list of the values a slot of that type can take.
public struct SlotType: Hashable, Sendable {
    /// The type's name, e.g. `room`.
    public let name: String
    /// The values, in file order (never empty; no spoken form twice).
    public let values: [SlotValue]

    /// Creates a slot type.
    public init(name: String, values: [SlotValue]) {
        self.name = name
        self.values = values
    }
}

/// One value of a slot type: what is said, and what the parser reports.
///
/// In the context file a plain item (`living room`) is said and reported as written (words
/// lowercased, single spaces); a one-pair mapping (`{twenty five: 25}`) is said as its key and
/// reported as its value, so that numbers spoken as words come back as digits.
public struct SlotValue: Hashable, Sendable {
    /// The spoken words, lowercased, e.g. `["living", "room"]`.
    public let words: [String]
    /// What a parse reports for the slot, e.g. `living room` or `25`.
    public let value: String

    /// Creates a value; `value` defaults to the words joined by single spaces.
    public init(words: [String], value: String? = nil) {
        self.words = words
        self.value = value ?? words.joined(separator: " ")
    }

    /// The spoken words joined by single spaces.
    public var spoken: String { words.joined(separator: " ") }
}
