#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a two-dimensional array, one row at a time, as a NumPy `.npy` file (format 1.0).
///
/// The layout is NumPy's own: the magic `\x93NUMPY`, version 1.0, a little-endian `UInt16`
/// header length, a Python-literal header `{'descr': '<f4', 'fortran_order': False,
/// 'shape': (rows, columns), }` padded with spaces to a multiple of 64 bytes, then the rows in
/// C order. `numpy.load` reads it directly. The row count is not known until the end, so the
/// header is written with room to spare and rewritten by ``finish()``.
public final class NPYWriter {
    /// The element types the writer stores.
    public enum ElementType: String, Sendable {
        /// 32-bit little-endian float (`<f4`).
        case float32 = "<f4"
        /// 16-bit little-endian unsigned integer (`<u2`).
        case uint16 = "<u2"
    }

    /// The file's path, as given.
    public let path: String
    /// Values per row.
    public let columnCount: Int
    /// The type of every value.
    public let elementType: ElementType
    /// Rows written so far.
    public private(set) var rowCount = 0

    private var stream: UnsafeMutablePointer<FILE>?
    private static let headerLength = 128

    /// Creates (or truncates) `path`.
    ///
    /// - Throws: ``NPYWriterError`` when the file cannot be created.
    public init(path: String, columnCount: Int, elementType: ElementType) throws {
        guard let stream = fopen(path, "wb") else {
            throw NPYWriterError(path: path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.columnCount = columnCount
        self.elementType = elementType
        self.stream = stream
        try put(header())
    }

    deinit {
        if let stream { fclose(stream) }
    }

    /// Appends one row of float values (``ElementType/float32`` files only).
    public func append(_ row: UnsafeBufferPointer<Float>) throws {
        precondition(elementType == .float32 && row.count == columnCount, "row does not match the file's layout")
        try write(UnsafeRawBufferPointer(row))
        rowCount += 1
    }

    /// Appends one row of 16-bit values (``ElementType/uint16`` files only).
    public func append(_ row: UnsafeBufferPointer<UInt16>) throws {
        precondition(elementType == .uint16 && row.count == columnCount, "row does not match the file's layout")
        try write(UnsafeRawBufferPointer(row))
        rowCount += 1
    }

    /// Rewrites the header with the final shape and closes the file.
    public func finish() throws {
        guard let stream else { return }
        guard fseek(stream, 0, SEEK_SET) == 0 else {
            throw NPYWriterError(path: path, reason: "cannot seek to the header: \(String(cString: strerror(errno)))")
        }
        try put(header())
        self.stream = nil
        guard fclose(stream) == 0 else {
            throw NPYWriterError(path: path, reason: "cannot close: \(String(cString: strerror(errno)))")
        }
    }

    private func header() -> [UInt8] {
        var text = "{'descr': '\(elementType.rawValue)', 'fortran_order': False, 'shape': (\(rowCount), \(columnCount)), }"
        let prefixLength = 10
        text += String(repeating: " ", count: Self.headerLength - prefixLength - text.utf8.count - 1) + "\n"
        let length = UInt16(text.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(text.utf8)
    }

    private func put(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    private func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard let stream else {
            throw NPYWriterError(path: path, reason: "writer already finished")
        }
        guard fwrite(bytes.baseAddress, 1, bytes.count, stream) == bytes.count else {
            throw NPYWriterError(path: path, reason: "write failed: \(String(cString: strerror(errno)))")
        }
    }
}

/// A `.npy` file could not be written.
public struct NPYWriterError: Error, Sendable, CustomStringConvertible {
    /// The file's path.
    public let path: String
    /// What went wrong.
    public let reason: String

    public var description: String { "\(path): \(reason)" }
}
