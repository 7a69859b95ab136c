import Foundation

/// A speech-to-intent context: intents declared by expressions, slot types declared by value
/// lists, loaded from a YAML file.
///
/// ```yaml
/// context:
///   expressions:
///     changeLights:
///       - "[turn, switch] $state:state (the) $room:room lights"
///       - "[turn, switch] (the) $room:room lights $state:state"
///   slots:
///     state: [on, off]
///     room: [kitchen, living room, bedroom, bathroom]
///     percent: [{ten: 10}, {twenty five: 25}]
/// ```
///
/// In an expression `[a, b c]` is a choice of one alternative (an alternative may be several
/// words and may hold choices, optionals and slots), `(x …)` is optional, `$type:name` takes one
/// value of slot type `type` and reports it under `name`; anything else is a word. Words hold
/// letters and apostrophes only (`I'd`) and are lowercased. A slot value is a plain item (said and
/// reported as written) or a one-pair mapping `{spoken words: reported value}`.
///
/// A context compiles into an ``IntentParser`` (transcript → intent and slots), a JSGF grammar
/// for the recognizer (``jsgfGrammar(name:)``) whose language is exactly what the parser accepts,
/// and random in-grammar commands for validation sets (``sample(count:seed:)``).
public struct Context: Sendable {
    /// The intents, in file order (the parser prefers earlier ones when a transcript fits several).
    public let intents: [IntentDefinition]
    /// The declared slot types, in file order.
    public let slotTypes: [SlotType]

    /// Creates a context from parts that are already checked (the loaders' way in).
    init(intents: [IntentDefinition], slotTypes: [SlotType]) {
        self.intents = intents
        self.slotTypes = slotTypes
    }

    /// Loads a context from YAML text.
    ///
    /// - Parameters:
    ///   - yaml: the context file's text.
    ///   - file: the file's name, for error messages.
    /// - Throws: ``ContextError`` with the line and column of the first mistake.
    public init(yaml: String, file: String? = nil) throws(ContextError) {
        do {
            self = try ContextLoader(yaml: yaml).load()
        } catch var error {
            error.file = file
            throw error
        }
    }

    /// Loads a context from a YAML file.
    ///
    /// - Throws: ``ContextError`` (``ContextError/Code/unreadableFile`` when the file cannot be
    ///   read) whose ``ContextError/file`` is `path`.
    public init(contentsOfFile path: String) throws(ContextError) {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ContextError(
                .unreadableFile, line: 0, column: 0, "cannot read the context file (\(error.localizedDescription))", file: path)
        }
        try self.init(yaml: text, file: path)
    }

    /// The slot type called `name`, if declared.
    public func slotType(named name: String) -> SlotType? {
        slotTypes.first { $0.name == name }
    }

    /// The slot types some expression refers to, in file order of their declaration.
    public var usedSlotTypes: [SlotType] {
        let used = Set(intents.flatMap { $0.expressions.flatMap(\.pattern.slotTypes) })
        return slotTypes.filter { used.contains($0.name) }
    }

    /// Every word a command of this context can contain: the expressions' words and the words of
    /// the values of the slot types they use. Check these against the recognizer's dictionary.
    public var vocabulary: Set<String> {
        var words = Set<String>()
        for intent in intents {
            for expression in intent.expressions { words.formUnion(expression.pattern.words) }
        }
        for type in usedSlotTypes {
            for value in type.values { words.formUnion(value.words) }
        }
        return words
    }

    /// A parser for transcripts, compiled from this context.
    public var parser: IntentParser { IntentParser(context: self) }
}
