/// An error about the edge↔cloud contract: a key, a header or a body that does not follow it.
///
/// The kind of failure is a ``Code`` (compare with `error.code == .invalidKey`); the message
/// names the value and the rule it breaks in one line.
public struct WireError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidKey, invalidDeviceID, invalidHeader, missingHeader, invalidAudio, invalidValue
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// A ``SegmentKey`` string or its parts break the key grammar.
        public static let invalidKey = Code(.invalidKey)
        /// A device id holds characters other than `A-Z a-z 0-9 - _` or has the wrong length.
        public static let invalidDeviceID = Code(.invalidDeviceID)
        /// A header is present but its value cannot be read.
        public static let invalidHeader = Code(.invalidHeader)
        /// A required header is absent.
        public static let missingHeader = Code(.missingHeader)
        /// An upload body is not a 16-bit PCM mono WAV file.
        public static let invalidAudio = Code(.invalidAudio)
        /// A metadata value is out of range (a score outside 0…1, an end before a start …).
        public static let invalidValue = Code(.invalidValue)

        /// The code's name, e.g. `invalidKey`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The value or field the error is about (a key, a header name, `body`).
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
