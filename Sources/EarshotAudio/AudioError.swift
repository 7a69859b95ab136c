import EarshotFiles
/// An error from reading, writing or capturing audio: what went wrong and where.
///
/// The kind of failure is a ``Code`` (compare with `error.code == .truncated`); the
/// message names the file or device and the problem in one line.
public struct AudioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case fileNotFound, ioError, notWAV, truncated, corruptHeader, unsupportedEncoding
            case emptyAudio, invalidArgument, deviceNotFound, deviceBusy, deviceError
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The file does not exist or cannot be opened.
        public static let fileNotFound = Code(.fileNotFound)
        /// A read or write call failed.
        public static let ioError = Code(.ioError)
        /// The file is not a RIFF/WAVE file.
        public static let notWAV = Code(.notWAV)
        /// The file ends before a header or a chunk it declares.
        public static let truncated = Code(.truncated)
        /// A header field holds an impossible value.
        public static let corruptHeader = Code(.corruptHeader)
        /// The samples are in an encoding Earshot does not read (A-law, ADPCM, 8-bit …).
        public static let unsupportedEncoding = Code(.unsupportedEncoding)
        /// The audio holds no samples.
        public static let emptyAudio = Code(.emptyAudio)
        /// A parameter passed by the caller is out of range.
        public static let invalidArgument = Code(.invalidArgument)
        /// The ALSA device name does not resolve to a device.
        public static let deviceNotFound = Code(.deviceNotFound)
        /// The ALSA device is in use by another program.
        public static let deviceBusy = Code(.deviceBusy)
        /// ALSA refused a configuration or a read.
        public static let deviceError = Code(.deviceError)

        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// The file path or device name the error is about.
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

extension AudioError {
    /// A file read failure, as audio input reports it (`fileNotFound` for a missing file).
    init(_ error: FileError) {
        switch error.step {
        case .open: self.init(error.isMissing ? .fileNotFound : .ioError, error.path, "cannot open: \(error.reason)")
        case .inspect: self.init(.ioError, error.path, "cannot stat: \(error.reason)")
        case .notRegularFile: self.init(.ioError, error.path, error.reason)
        case .read(let offset): self.init(.ioError, error.path, "read failed at byte \(offset): \(error.reason)")
        }
    }
}
