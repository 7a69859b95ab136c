/// An error from speech recognition: what went wrong and where.
///
/// The kind of failure is a ``Code`` (compare with `error.code == .invalidGrammar`); the
/// message names the model file, grammar or input and the problem in one line.
public struct RecognitionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case modelNotFound, decoderInitFailed, invalidGrammar, unsupportedSampleRate
            case decodingFailed, noDecoderFree, invalidArgument
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A model file or folder named in the configuration does not exist.
        public static let modelNotFound = Code(.modelNotFound)
        /// The engine refused the configuration or failed to load the model.
        public static let decoderInitFailed = Code(.decoderInitFailed)
        /// A grammar does not compile (syntax, or words missing from the dictionary).
        public static let invalidGrammar = Code(.invalidGrammar)
        /// The audio is not at the sample rate the acoustic model was trained on.
        public static let unsupportedSampleRate = Code(.unsupportedSampleRate)
        /// The engine failed while decoding an utterance.
        public static let decodingFailed = Code(.decodingFailed)
        /// Every decoder of the pool stayed busy for the whole checkout timeout.
        public static let noDecoderFree = Code(.noDecoderFree)
        /// A parameter passed by the caller is out of range.
        public static let invalidArgument = Code(.invalidArgument)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The file, grammar or input the error is about.
    public let location: String
    /// What went wrong, for a person.
    public let reason: String

    /// Creates an error about `location`.
    public init(_ code: Code, _ location: String, _ reason: String) {
        self.code = code
        self.location = location
        self.reason = reason
    }

    /// One line: `<location>: <reason>`.
    public var description: String { "\(location): \(reason)" }
}
