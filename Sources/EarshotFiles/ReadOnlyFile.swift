#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a file could not be read: the step that failed and the system's reason (`strerror`).
public struct FileError: Error, Sendable {
    public enum Step: Sendable, Equatable {
        case open
        case inspect
        /// The path names something other than a regular file (a folder, a device).
        case notRegularFile
        case read(offset: Int)
    }

    public let path: String
    public let step: Step
    /// `strerror(errno)` of the failed call, or "not a regular file".
    public let reason: String
    /// The file does not exist (`ENOENT` on open).
    public let isMissing: Bool
}

/// A regular file opened for positional reads with POSIX calls, closed when released. Every
/// failure reaches the caller through its `errors` mapping, so each module reports it in its own
/// error type with the system's reason.
public final class ReadOnlyFile {
    public let path: String
    public let size: Int
    private let descriptor: Int32
    private let errors: (FileError) -> any Error

    /// - Parameter errors: turns a ``FileError`` into the error the caller throws.
    public init(path: String, errors: @escaping (FileError) -> any Error = { $0 }) throws {
        func failure(_ step: FileError.Step) -> any Error {
            errors(FileError(path: path, step: step, reason: String(cString: strerror(errno)), isMissing: errno == ENOENT))
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(.open) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = failure(.inspect)
            close(descriptor)
            throw error
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw errors(FileError(path: path, step: .notRegularFile, reason: "not a regular file", isMissing: false))
        }
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = descriptor
        self.errors = errors
    }

    deinit { close(descriptor) }

    /// Reads up to `count` bytes at `offset`; fewer only at the end of the file.
    public func read(at offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let got = try bytes.withUnsafeMutableBytes { try read(at: offset, into: $0) }
        bytes.removeLast(count - got)
        return bytes
    }

    /// Fills `buffer` from `offset`; returns the bytes read, fewer only at the end of the file.
    public func read(at offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + total, buffer.count - total, off_t(offset + total))
            if got < 0 {
                if errno == EINTR { continue }
                throw errors(FileError(
                    path: path, step: .read(offset: offset + total), reason: String(cString: strerror(errno)), isMissing: false))
            }
            if got == 0 { break }
            total += got
        }
        return total
    }
}
