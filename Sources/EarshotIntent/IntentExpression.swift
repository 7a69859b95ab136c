/// One expression of an intent as written in the context file, with its parsed pattern.
public struct IntentExpression: Hashable, Sendable {
    /// The expression's text as written, e.g. `[turn, switch] $state:state (the) $room:room lights`.
    public let text: String
    /// The parsed expression.
    public let pattern: ExpressionPattern
    /// The line of the YAML text the expression starts on (from 1).
    public let line: Int
    /// The column of the YAML text the expression starts at (from 1).
    public let column: Int

    /// Creates an expression.
    public init(text: String, pattern: ExpressionPattern, line: Int, column: Int) {
        self.text = text
        self.pattern = pattern
        self.line = line
        self.column = column
    }
}
