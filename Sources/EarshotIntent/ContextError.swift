/// A context file that cannot be loaded: bad YAML, a bad expression, a missing slot type.
///
/// The kind of failure is a ``Code`` (compare with `error.code == .unbalancedBracket`); ``line``
/// and ``column`` point into the YAML text (both from 1, columns counted in Unicode scalars as
/// libYAML counts them) at the character that is wrong, for an expression the bracket, word or
/// `$` inside the quoted text. ``description`` is `LINE:COL: message`, or `FILE:LINE:COL: message`
/// when the context was read from a file.
public struct ContextError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case unreadableFile, invalidYAML, invalidStructure, invalidName, duplicateName
            case unknownSlotType, unbalancedBracket, emptyGroup, misplacedComma, invalidSlotReference, duplicateSlotName
            case noExpressions, noSlotValues, duplicateSlotValue, invalidWord, matchesNothing
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file cannot be read.
        public static let unreadableFile = Code(.unreadableFile)
        /// The text is not YAML (libYAML's scanner, parser or composer refused it).
        public static let invalidYAML = Code(.invalidYAML)
        /// The YAML is well formed but not shaped like a context: a missing `context:` or
        /// `expressions:` key, a list where a mapping belongs, an unknown key.
        public static let invalidStructure = Code(.invalidStructure)
        /// An intent, slot type or slot name is not an identifier (`[A-Za-z][A-Za-z0-9_]*`).
        public static let invalidName = Code(.invalidName)
        /// Two intents or two slot types have the same name.
        public static let duplicateName = Code(.duplicateName)
        /// `$type:name` names a slot type that `slots:` does not declare.
        public static let unknownSlotType = Code(.unknownSlotType)
        /// A `[` or `(` without its closing partner, a closing one without an opening one, or a
        /// `[` closed by `)`.
        public static let unbalancedBracket = Code(.unbalancedBracket)
        /// An empty choice `[]`, an empty alternative `[a, , b]` or an empty optional `()`.
        public static let emptyGroup = Code(.emptyGroup)
        /// A `,` outside a choice (commas separate the alternatives of `[ ]` only).
        public static let misplacedComma = Code(.misplacedComma)
        /// A `$` not followed by `type:name`.
        public static let invalidSlotReference = Code(.invalidSlotReference)
        /// One expression could bind the same slot name twice.
        public static let duplicateSlotName = Code(.duplicateSlotName)
        /// An intent with no expressions, or an empty expression.
        public static let noExpressions = Code(.noExpressions)
        /// A slot type with no values.
        public static let noSlotValues = Code(.noSlotValues)
        /// A slot type lists the same spoken value twice.
        public static let duplicateSlotValue = Code(.duplicateSlotValue)
        /// A word holds a character a recognizer cannot say: a digit or punctuation other than
        /// the apostrophe.
        public static let invalidWord = Code(.invalidWord)
        /// An expression whose every part is optional: it would accept silence.
        public static let matchesNothing = Code(.matchesNothing)

        /// The code's name, e.g. `unbalancedBracket`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The file the context was read from, when it was read from one.
    public var file: String?
    /// The line of the YAML text, from 1 (0 when the position is unknown).
    public let line: Int
    /// The column of the YAML text, from 1, in Unicode scalars (0 when unknown).
    public let column: Int
    /// What went wrong, for a person.
    public let message: String

    /// Creates an error at `line`:`column` of the YAML text.
    public init(_ code: Code, line: Int, column: Int, _ message: String, file: String? = nil) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
        self.file = file
    }

    /// One line: `FILE:LINE:COL: message` (without `FILE:` when there is no file).
    public var description: String {
        (file.map { "\($0):" } ?? "") + "\(line):\(column): \(message)"
    }
}
