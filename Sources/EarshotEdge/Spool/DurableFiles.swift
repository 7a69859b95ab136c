import EarshotWire

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// POSIX file operations with the durability the spool needs: a file is whole on disk before
/// its name appears (temporary file, fsync, rename, fsync of the folder).
enum DurableFiles {
    /// The prefix of temporary files; anything with it is a leftover of a crash at open time.
    static let temporaryPrefix = ".tmp-"

    static func errnoText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Creates `path` and its missing parents, like `mkdir -p`.
    static func makeDirectories(_ path: String) throws {
        var isDirectory = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory else {
                throw EdgeError(.spoolUnwritable, path, "exists and is not a folder")
            }
            return
        }
        let parent = PathText.parent(of: path)
        if !parent.isEmpty, parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0, errno != EEXIST {
            throw EdgeError(.spoolUnwritable, path, "cannot create folder: \(errnoText())")
        }
    }

    /// Writes `data` to `directory/name` atomically and durably: a temporary file in the same
    /// folder, fsync, rename over the name, fsync of the folder.
    static func writeAtomically(_ data: Data, directory: String, name: String) throws {
        let finalPath = directory + "/" + name
        let temporaryPath = directory + "/" + temporaryPrefix + name + "-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let failure = errno
            let unwritable = [EACCES, EPERM, EROFS, ENOTDIR, ENOENT].contains(failure)
            let code: EdgeError.Code = unwritable ? .spoolUnwritable : .ioError
            throw EdgeError(code, temporaryPath, "cannot create: \(errnoText(failure))")
        }
        var closed = false
        defer {
            if !closed { close(descriptor) }
        }
        do {
            try writeAll(descriptor, data, path: temporaryPath)
            guard fsync(descriptor) == 0 else { throw EdgeError(.ioError, temporaryPath, "fsync failed: \(errnoText())") }
            closed = true
            guard close(descriptor) == 0 else { throw EdgeError(.ioError, temporaryPath, "close failed: \(errnoText())") }
            guard rename(temporaryPath, finalPath) == 0 else {
                throw EdgeError(.ioError, finalPath, "cannot rename \(temporaryPath) into place: \(errnoText())")
            }
        } catch {
            unlink(temporaryPath)
            throw error
        }
        try syncDirectory(directory)
    }

    /// fsyncs a folder so that renames and creations in it survive a power cut.
    static func syncDirectory(_ path: String) throws {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw EdgeError(.ioError, path, "cannot open folder to fsync: \(errnoText())") }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else { throw EdgeError(.ioError, path, "fsync of folder failed: \(errnoText())") }
    }

    private static func writeAll(_ descriptor: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw EdgeError(.ioError, path, "write failed after \(offset) bytes: \(errnoText())")
                }
                offset += written
            }
        }
    }

    /// Reads a whole file; nil when it does not exist.
    static func readFile(_ path: String, limit: Int = Int.max) throws -> Data? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw EdgeError(.ioError, path, "cannot open: \(errnoText())")
        }
        defer { close(descriptor) }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while data.count < limit {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, min($0.count, limit - data.count)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw EdgeError(.ioError, path, "read failed: \(errnoText())")
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return data
    }

    /// The size of a file in bytes; nil when it does not exist.
    static func size(_ path: String) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int(info.st_size)
    }

    /// Names in a folder (without `.` and `..`), sorted.
    static func list(_ path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted()
        } catch {
            throw EdgeError(.ioError, path, "cannot list folder: \(errorReason(error))")
        }
    }

    /// Removes a file; true when it was there.
    @discardableResult
    static func remove(_ path: String) throws -> Bool {
        if unlink(path) == 0 { return true }
        if errno == ENOENT { return false }
        throw EdgeError(.ioError, path, "cannot delete: \(errnoText())")
    }

    /// Renames `source` to `destination`, never replacing a file there: when the name is taken,
    /// `.1`, `.2` … is appended. Returns the name used.
    static func moveWithoutReplacing(_ source: String, toDirectory directory: String, name: String) throws -> String {
        var candidate = name
        var suffix = 0
        while FileManager.default.fileExists(atPath: directory + "/" + candidate) {
            suffix += 1
            candidate = "\(name).\(suffix)"
        }
        guard rename(source, directory + "/" + candidate) == 0 else {
            throw EdgeError(.ioError, source, "cannot move into \(directory): \(errnoText())")
        }
        return candidate
    }
}
