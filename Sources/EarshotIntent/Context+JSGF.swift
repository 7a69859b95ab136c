extension Context {
    /// The context as a JSGF v1.0 grammar for a recognizer's grammar mode.
    ///
    /// ```
    /// #JSGF V1.0;
    /// grammar smart_home;
    /// public <command> = <intent_changeLights> | <intent_setTimer>;
    /// <intent_changeLights> = (turn | switch) <slot_state> [the] <slot_room> lights | …;
    /// <slot_state> = on | off;
    /// <slot_room> = kitchen | living room | bedroom | bathroom;
    /// ```
    ///
    /// One rule per intent (`<intent_NAME>`, its expressions as alternatives) and one per slot
    /// type that an expression uses (`<slot_TYPE>`); choices are `( a | b )`, optionals `[ … ]`.
    /// The grammar's language is exactly the word sequences ``IntentParser`` accepts.
    ///
    /// - Parameter name: the grammar's name; characters other than letters, digits, `_`, `-`
    ///   and `.` become `_`.
    public func jsgfGrammar(name: String) -> String {
        let grammarName = String(
            name.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") ? $0 : "_" })
        var lines = ["#JSGF V1.0;", "grammar \(grammarName.isEmpty ? "context" : grammarName);"]
        lines.append("public <command> = " + intents.map { "<intent_\($0.name)>" }.joined(separator: " | ") + ";")
        for intent in intents {
            let body = intent.expressions.map { Self.jsgf($0.pattern, inSequence: false) }.joined(separator: " | ")
            lines.append("<intent_\(intent.name)> = \(body);")
        }
        for type in usedSlotTypes {
            lines.append("<slot_\(type.name)> = " + type.values.map(\.spoken).joined(separator: " | ") + ";")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One pattern in JSGF; a choice inside a sequence is bracketed, at the top of an
    /// alternative it is not (`|` binds loosest).
    private static func jsgf(_ pattern: ExpressionPattern, inSequence: Bool) -> String {
        switch pattern {
        case .word(let word):
            return word
        case .slot(let type, _):
            return "<slot_\(type)>"
        case .optional(let inner):
            return "[" + jsgf(inner, inSequence: false) + "]"
        case .sequence(let parts):
            return parts.map { jsgf($0, inSequence: true) }.joined(separator: " ")
        case .choice(let alternatives):
            let body = alternatives.map { jsgf($0, inSequence: false) }.joined(separator: " | ")
            return inSequence ? "(" + body + ")" : body
        }
    }
}
