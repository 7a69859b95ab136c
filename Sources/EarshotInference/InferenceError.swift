/// An error from loading or running a model: a stable ``code`` to switch on and a message
/// that says what went wrong and where (which table and field, which operator, which tensor).
public struct InferenceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case malformedModel, unsupportedOperator, invalidModel, invalidArgument, runtimeFailure, ioFailure
        }
        private let kind: Kind
        private init(_ kind: Kind) { self.kind = kind }

        /// The file is not a well-formed TFLite flatbuffer (bad offset, length or index).
        public static let malformedModel = Code(.malformedModel)
        /// The model uses an operator (or an operator variant) this interpreter does not run.
        public static let unsupportedOperator = Code(.unsupportedOperator)
        /// The model is well formed but inconsistent: shapes, types or quantization do not fit.
        public static let invalidModel = Code(.invalidModel)
        /// The caller passed a bad index, shape or buffer size.
        public static let invalidArgument = Code(.invalidArgument)
        /// A kernel failed at run time (for example a variable read before it was assigned).
        public static let runtimeFailure = Code(.runtimeFailure)
        /// The model file could not be read.
        public static let ioFailure = Code(.ioFailure)

        public var description: String { kind.rawValue }
    }

    /// What kind of failure this is.
    public let code: Code
    /// A human-readable account of what failed and where.
    public let message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    static func malformed(_ message: String) -> InferenceError { InferenceError(.malformedModel, message) }
    static func invalid(_ message: String) -> InferenceError { InferenceError(.invalidModel, message) }
    static func unsupported(_ message: String) -> InferenceError { InferenceError(.unsupportedOperator, message) }
}
