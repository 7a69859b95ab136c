/// An error from the edge agent's delivery half (spool, uploader, delivery loop): what went
/// wrong and where.
///
/// The kind of failure is a ``Code`` (compare with `error.code == .spoolUnwritable`); the
/// message names the path, key or URL and the problem in one line.
public struct EdgeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case spoolUnwritable, ioError, corruptEntry, entryTooLarge, duplicateKey, invalidSegment
            case invalidConfiguration, tokenUnreadable, transport, invalidModel
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The spool folder (or one of its subfolders) cannot be created or written.
        public static let spoolUnwritable = Code(.spoolUnwritable)
        /// A read, write, fsync or rename failed.
        public static let ioError = Code(.ioError)
        /// A spool entry is torn or damaged (wrong length, checksum, metadata or audio).
        public static let corruptEntry = Code(.corruptEntry)
        /// A segment is larger than the whole spool may hold.
        public static let entryTooLarge = Code(.entryTooLarge)
        /// A segment with this key is already in the spool.
        public static let duplicateKey = Code(.duplicateKey)
        /// A segment's metadata or audio breaks the contract.
        public static let invalidSegment = Code(.invalidSegment)
        /// A configuration value is out of range or inconsistent.
        public static let invalidConfiguration = Code(.invalidConfiguration)
        /// The bearer token file is missing, unreadable or empty.
        public static let tokenUnreadable = Code(.tokenUnreadable)
        /// libcurl could not set up or carry out a request.
        public static let transport = Code(.transport)
        /// A model card, manifest or model file cannot be used by the detection pipeline.
        public static let invalidModel = Code(.invalidModel)

        /// The code's name, e.g. `spoolUnwritable`.
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The path, key or URL the error is about.
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
