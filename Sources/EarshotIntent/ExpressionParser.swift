/// A mistake inside one expression or slot value, at an offset in Unicode scalars from the
/// start of its text; ``ContextLoader`` turns the offset into a line and column of the file.
struct ExpressionSyntaxError: Error {
    let code: ContextError.Code
    let offset: Int
    let message: String
}

/// Parses the expression language:
///
/// ```
/// sequence     := item*
/// item         := word | '[' alternatives ']' | '(' sequence ')' | '$' name ':' name
/// alternatives := sequence (',' sequence)*
/// ```
///
/// Words are runs of letters and apostrophes (`’` is read as `'`), lowercased. Slot names and
/// types are identifiers. The parser also refuses a slot name that one match could bind twice
/// (the same name in two alternatives of one choice is fine: only one of them is ever taken).
struct ExpressionParser {
    private let text: [Unicode.Scalar]
    private let slotTypes: Set<String>
    private var position = 0

    /// - Parameters:
    ///   - text: the expression.
    ///   - slotTypes: the slot types the context declares.
    init(_ text: String, slotTypes: Set<String>) {
        self.text = Array(text.unicodeScalars)
        self.slotTypes = slotTypes
    }

    /// Parses the whole text.
    mutating func parse() throws(ExpressionSyntaxError) -> ExpressionPattern {
        skipSpaces()
        if position == text.count {
            throw ExpressionSyntaxError(code: .noExpressions, offset: 0, message: "empty expression")
        }
        let (pattern, _) = try parseSequence()
        if position < text.count {
            // parseSequence stops only at a closing bracket or a comma at the top level.
            let scalar = text[position]
            if scalar == "," {
                throw ExpressionSyntaxError(
                    code: .misplacedComma, offset: position, message: "',' outside a choice: commas separate the alternatives of [a, b]")
            }
            throw ExpressionSyntaxError(
                code: .unbalancedBracket, offset: position,
                message: "'\(scalar)' closes nothing: there is no opening '\(scalar == "]" ? "[" : "(")'")
        }
        if pattern.acceptsNothing {
            throw ExpressionSyntaxError(
                code: .matchesNothing, offset: 0, message: "every part of the expression is optional: it would accept silence")
        }
        return pattern
    }

    /// Splits a slot value into its words, checking each one.
    static func words(of text: String) throws(ExpressionSyntaxError) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var words: [String] = []
        var index = 0
        while index < scalars.count {
            if isSpace(scalars[index]) {
                index += 1
                continue
            }
            let start = index
            while index < scalars.count, !isSpace(scalars[index]) { index += 1 }
            words.append(try word(scalars[start..<index], offset: start))
        }
        if words.isEmpty {
            throw ExpressionSyntaxError(code: .noSlotValues, offset: 0, message: "empty slot value")
        }
        return words
    }

    // MARK: - Grammar

    /// Parses items up to the end, a closing bracket or a comma; returns the pattern and the
    /// slot names it binds (name → offset of its `$`).
    private mutating func parseSequence() throws(ExpressionSyntaxError) -> (ExpressionPattern, [String: Int]) {
        var items: [ExpressionPattern] = []
        var bound: [String: Int] = [:]
        while true {
            skipSpaces()
            guard position < text.count else { break }
            let scalar = text[position]
            if scalar == "]" || scalar == ")" || scalar == "," { break }
            let (item, names) = try parseItem()
            for (name, offset) in names.sorted(by: { $0.value < $1.value }) {
                if let first = bound[name] {
                    throw ExpressionSyntaxError(
                        code: .duplicateSlotName, offset: offset,
                        message: "slot name '\(name)' is bound twice in one expression (first by the '$' at offset \(first))")
                }
                bound[name] = offset
            }
            items.append(item)
        }
        return (items.count == 1 ? items[0] : .sequence(items), bound)
    }

    private mutating func parseItem() throws(ExpressionSyntaxError) -> (ExpressionPattern, [String: Int]) {
        let start = position
        switch text[position] {
        case "[":
            position += 1
            var alternatives: [ExpressionPattern] = []
            var bound: [String: Int] = [:]
            while true {
                skipSpaces()
                guard position < text.count else {
                    throw ExpressionSyntaxError(code: .unbalancedBracket, offset: start, message: "'[' is never closed by ']'")
                }
                let (alternative, names) = try parseSequence()
                guard position < text.count else {
                    throw ExpressionSyntaxError(code: .unbalancedBracket, offset: start, message: "'[' is never closed by ']'")
                }
                if case .sequence(let parts) = alternative, parts.isEmpty {
                    if text[position] == "]" && alternatives.isEmpty {
                        throw ExpressionSyntaxError(code: .emptyGroup, offset: start, message: "empty choice '[]'")
                    }
                    throw ExpressionSyntaxError(code: .emptyGroup, offset: position, message: "empty alternative in a choice")
                }
                alternatives.append(alternative)
                bound.merge(names) { first, _ in first }
                let closing = text[position]
                position += 1
                if closing == "]" { break }
                if closing == ")" {
                    throw ExpressionSyntaxError(
                        code: .unbalancedBracket, offset: position - 1, message: "')' closes the '[' at offset \(start): expected ']'")
                }
            }
            return (alternatives.count == 1 ? alternatives[0] : .choice(alternatives), bound)
        case "(":
            position += 1
            let (inner, names) = try parseSequence()
            guard position < text.count else {
                throw ExpressionSyntaxError(code: .unbalancedBracket, offset: start, message: "'(' is never closed by ')'")
            }
            let closing = text[position]
            if closing == "," {
                throw ExpressionSyntaxError(
                    code: .misplacedComma, offset: position, message: "',' inside an optional: write ([a, b]) for an optional choice")
            }
            if closing == "]" {
                throw ExpressionSyntaxError(
                    code: .unbalancedBracket, offset: position, message: "']' closes the '(' at offset \(start): expected ')'")
            }
            if case .sequence(let parts) = inner, parts.isEmpty {
                throw ExpressionSyntaxError(code: .emptyGroup, offset: start, message: "empty optional '()'")
            }
            position += 1
            return (.optional(inner), names)
        case "$":
            position += 1
            let type = identifier()
            guard !type.isEmpty, position < text.count, text[position] == ":" else {
                throw ExpressionSyntaxError(
                    code: .invalidSlotReference, offset: start, message: "'$' must be followed by a slot type and a name: $type:name")
            }
            position += 1
            let name = identifier()
            guard !name.isEmpty, position == text.count || Self.endsWord(text[position]) else {
                throw ExpressionSyntaxError(
                    code: .invalidSlotReference, offset: start, message: "'$\(type):' must be followed by a slot name: $type:name")
            }
            guard slotTypes.contains(type) else {
                throw ExpressionSyntaxError(
                    code: .unknownSlotType, offset: start,
                    message: "unknown slot type '\(type)' (slots: declares \(slotTypes.sorted().joined(separator: ", ")))")
            }
            return (.slot(type: type, name: name), [name: start])
        default:
            while position < text.count, !Self.endsWord(text[position]) { position += 1 }
            return (.word(try Self.word(text[start..<position], offset: start)), [:])
        }
    }

    // MARK: - Lexing

    private mutating func skipSpaces() {
        while position < text.count, Self.isSpace(text[position]) { position += 1 }
    }

    private mutating func identifier() -> String {
        let start = position
        while position < text.count {
            let scalar = text[position]
            let isLetter = scalar.properties.isAlphabetic && scalar.isASCII
            let isDigitOrUnderscore = ("0"..."9").contains(scalar) || scalar == "_"
            if !(isLetter || (position > start && isDigitOrUnderscore)) { break }
            position += 1
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: text[start..<position])
        return String(result)
    }

    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar.properties.isWhitespace }

    private static func endsWord(_ scalar: Unicode.Scalar) -> Bool {
        isSpace(scalar) || "[](),$".unicodeScalars.contains(scalar)
    }

    /// Checks one word: letters and apostrophes only, at least one letter.
    private static func word(_ scalars: ArraySlice<Unicode.Scalar>, offset: Int) throws(ExpressionSyntaxError) -> String {
        var result = String.UnicodeScalarView()
        var hasLetter = false
        for scalar in scalars {
            if scalar == "'" || scalar == "\u{2019}" {
                result.append("'")
            } else if scalar.properties.isAlphabetic {
                hasLetter = true
                result.append(scalar)
            } else {
                var word = String.UnicodeScalarView()
                word.append(contentsOf: scalars)
                throw ExpressionSyntaxError(
                    code: .invalidWord, offset: offset,
                    message:
                        "word '\(String(word))' holds '\(scalar)': a recognizer can only say letters and apostrophes (write numbers as words)"
                )
            }
        }
        guard hasLetter else {
            throw ExpressionSyntaxError(code: .invalidWord, offset: offset, message: "word '\(String(result))' has no letter")
        }
        return String(result).lowercased()
    }
}
