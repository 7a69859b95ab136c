/// Maps a transcript to an intent and its slot values, by exact match against a context.
///
/// The transcript is lowercased, `’` read as `'`, split at whitespace, and punctuation other
/// than apostrophes trimmed from both ends of each word (`"Lights, please."` reads as
/// `lights please`); PocketSphinx's alternate-pronunciation marks (`the(2)`) are dropped. The
/// whole word sequence must match one expression from its first word to its last; the parser
/// backtracks over choices, optionals and multi-word slot values (`living room`), so it finds a
/// match wherever one exists. Partial matches, extra words and missing words are
/// ``IntentResult/notUnderstood(transcript:)``: it never guesses.
///
/// When a transcript fits several expressions the first wins: intents in file order, then
/// expressions in file order, then, inside one expression, alternatives in written order, an
/// optional part taken before it is skipped, and slot values in list order.
public struct IntentParser: Sendable {
    private let intents: [(name: String, patterns: [CompiledPattern])]
    private let vocabulary: Set<String>

    /// Compiles `context`.
    public init(context: Context) {
        let types = Dictionary(context.slotTypes.map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first })
        intents = context.intents.map { intent in
            (intent.name, intent.expressions.map { CompiledPattern($0.pattern, slotTypes: types) })
        }
        vocabulary = context.vocabulary
    }

    /// The meaning of `transcript`.
    public func parse(_ transcript: String) -> IntentResult {
        let words = Self.words(of: transcript)
        guard !words.isEmpty, words.allSatisfy(vocabulary.contains) else {
            return .notUnderstood(transcript: transcript)
        }
        for intent in intents {
            for pattern in intent.patterns {
                if let slots = Self.match(pattern, words, at: 0, [:], then: { end, slots in end == words.count ? slots : nil }) {
                    return .understood(intent: intent.name, slots: slots)
                }
            }
        }
        return .notUnderstood(transcript: transcript)
    }

    /// The transcript's words as the parser compares them.
    public static func words(of transcript: String) -> [String] {
        String(transcript.lowercased().map { $0 == "\u{2019}" ? "'" : $0 })
            .split(whereSeparator: \.isWhitespace)
            .map { token -> String in
                var word = Substring(token)
                if word.hasSuffix(")"), let open = word.lastIndex(of: "("),
                    word[word.index(after: open)..<word.index(before: word.endIndex)].allSatisfy(\.isNumber)
                {
                    word = word[..<open]
                }
                let isKept: (Character) -> Bool = { $0.isLetter || $0.isNumber || $0 == "'" }
                guard let first = word.firstIndex(where: isKept), let last = word.lastIndex(where: isKept) else { return "" }
                return String(word[first...last])
            }
            .filter { !$0.isEmpty }
    }

    // MARK: - Matching

    private typealias Continuation = (Int, [String: String]) -> [String: String]?

    /// Matches `pattern` at `index`, then asks `then` to match the rest; the first complete
    /// match in the documented order wins.
    private static func match(
        _ pattern: CompiledPattern, _ words: [String], at index: Int, _ slots: [String: String], then: Continuation
    ) -> [String: String]? {
        switch pattern {
        case .word(let word):
            guard index < words.count, words[index] == word else { return nil }
            return then(index + 1, slots)
        case .sequence(let parts):
            return matchSequence(parts[...], words, at: index, slots, then: then)
        case .choice(let alternatives):
            for alternative in alternatives {
                if let result = match(alternative, words, at: index, slots, then: then) { return result }
            }
            return nil
        case .optional(let inner):
            if let result = match(inner, words, at: index, slots, then: then) { return result }
            return then(index, slots)
        case .slot(let name, let values):
            for value in values where words.count - index >= value.words.count {
                guard words[index..<index + value.words.count].elementsEqual(value.words) else { continue }
                var bound = slots
                bound[name] = value.value
                if let result = then(index + value.words.count, bound) { return result }
            }
            return nil
        }
    }

    private static func matchSequence(
        _ parts: ArraySlice<CompiledPattern>, _ words: [String], at index: Int, _ slots: [String: String], then: Continuation
    ) -> [String: String]? {
        guard let first = parts.first else { return then(index, slots) }
        return match(first, words, at: index, slots) { next, bound in
            matchSequence(parts.dropFirst(), words, at: next, bound, then: then)
        }
    }
}

/// An expression pattern with its slot references resolved to their values.
private indirect enum CompiledPattern: Sendable {
    case word(String)
    case sequence([CompiledPattern])
    case choice([CompiledPattern])
    case optional(CompiledPattern)
    case slot(name: String, values: [SlotValue])

    init(_ pattern: ExpressionPattern, slotTypes: [String: [SlotValue]]) {
        switch pattern {
        case .word(let word): self = .word(word)
        case .sequence(let parts): self = .sequence(parts.map { CompiledPattern($0, slotTypes: slotTypes) })
        case .choice(let alternatives): self = .choice(alternatives.map { CompiledPattern($0, slotTypes: slotTypes) })
        case .optional(let inner): self = .optional(CompiledPattern(inner, slotTypes: slotTypes))
        case .slot(let type, let name): self = .slot(name: name, values: slotTypes[type] ?? [])
        }
    }
}
