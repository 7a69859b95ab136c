/// The parsed form of one expression: words, choices, optionals and slot references.
///
/// ``IntentExpression`` holds one of these; the parser, the JSGF writer and the sampler walk it.
/// Words are lowercased, apostrophes kept (`i'd`).
public indirect enum ExpressionPattern: Hashable, Sendable {
    /// One word, lowercased.
    case word(String)
    /// Parts said one after the other.
    case sequence([ExpressionPattern])
    /// Exactly one of the alternatives (`[a, b c, d]`); an alternative may be a sequence.
    case choice([ExpressionPattern])
    /// The part or nothing (`(the)`).
    case optional(ExpressionPattern)
    /// One value of slot type `type`, reported under `name` (`$room:room`).
    case slot(type: String, name: String)

    /// Whether the pattern accepts the empty word sequence.
    public var acceptsNothing: Bool {
        switch self {
        case .word, .slot: return false
        case .optional: return true
        case .sequence(let parts): return parts.allSatisfy(\.acceptsNothing)
        case .choice(let alternatives): return alternatives.contains(where: \.acceptsNothing)
        }
    }

    /// Every word the pattern itself holds (not the words of slot values).
    public var words: Set<String> {
        switch self {
        case .word(let word): return [word]
        case .slot: return []
        case .optional(let inner): return inner.words
        case .sequence(let parts), .choice(let parts): return parts.reduce(into: []) { $0.formUnion($1.words) }
        }
    }

    /// The slot types the pattern refers to, in order of first appearance.
    public var slotTypes: [String] {
        var seen: [String] = []
        collectSlotTypes(into: &seen)
        return seen
    }

    private func collectSlotTypes(into seen: inout [String]) {
        switch self {
        case .word: return
        case .slot(let type, _): if !seen.contains(type) { seen.append(type) }
        case .optional(let inner): inner.collectSlotTypes(into: &seen)
        case .sequence(let parts), .choice(let parts): for part in parts { part.collectSlotTypes(into: &seen) }
        }
    }
}
