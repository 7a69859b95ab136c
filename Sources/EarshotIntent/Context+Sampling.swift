extension Context {
    /// Random commands in the context's grammar with their expected intent and slots, for
    /// building validation sets.
    ///
    /// Each command picks an intent uniformly, then one of its expressions, then one
    /// alternative of every choice, takes every optional part with probability ½ and a uniform
    /// value for every slot. The same context, count and seed give the same commands on every
    /// platform (the generator is SplitMix64, not the system's).
    ///
    /// A command the context can also parse as an earlier intent or other slot values (an
    /// ambiguous context) parses back differently from how it was drawn; a property test over
    /// the samples finds such ambiguities.
    public func sample(count: Int, seed: UInt64) -> [SampledCommand] {
        var generator = SplitMix64(seed: seed)
        let types = Dictionary(slotTypes.map { ($0.name, $0.values) }, uniquingKeysWith: { first, _ in first })
        return (0..<max(count, 0)).map { _ in
            let intent = intents[generator.next(below: intents.count)]
            let expression = intent.expressions[generator.next(below: intent.expressions.count)]
            var words: [String] = []
            var slots: [String: String] = [:]
            Self.draw(expression.pattern, types: types, generator: &generator, words: &words, slots: &slots)
            return SampledCommand(text: words.joined(separator: " "), intent: intent.name, slots: slots)
        }
    }

    private static func draw(
        _ pattern: ExpressionPattern, types: [String: [SlotValue]], generator: inout SplitMix64, words: inout [String],
        slots: inout [String: String]
    ) {
        switch pattern {
        case .word(let word):
            words.append(word)
        case .sequence(let parts):
            for part in parts { draw(part, types: types, generator: &generator, words: &words, slots: &slots) }
        case .choice(let alternatives):
            draw(alternatives[generator.next(below: alternatives.count)], types: types, generator: &generator, words: &words, slots: &slots)
        case .optional(let inner):
            if generator.next(below: 2) == 1 { draw(inner, types: types, generator: &generator, words: &words, slots: &slots) }
        case .slot(let type, let name):
            guard let values = types[type], !values.isEmpty else { return }
            let value = values[generator.next(below: values.count)]
            words.append(contentsOf: value.words)
            slots[name] = value.value
        }
    }
}

/// SplitMix64 (Steele, Lea and Flood 2014): a small seeded generator whose output is the same
/// everywhere, so that sampled validation sets can be rebuilt exactly.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `0..<bound` (rejection sampling, no modulo bias).
    mutating func next(below bound: Int) -> Int {
        precondition(bound > 0)
        let limit = UInt64(bound)
        let threshold = (0 &- limit) % limit
        while true {
            let value = next()
            if value >= threshold { return Int(value % limit) }
        }
    }
}
