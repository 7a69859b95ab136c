/// An intent of a context: its name and the expressions that say it, in file order.
public struct IntentDefinition: Hashable, Sendable {
    /// The intent's name, e.g. `changeLights`.
    public let name: String
    /// The expressions, in file order (never empty).
    public let expressions: [IntentExpression]

    /// Creates an intent.
    public init(name: String, expressions: [IntentExpression]) {
        self.name = name
        self.expressions = expressions
    }
}
