/// A bounds-checked reader for FlatBuffers binary data.
///
/// Every read checks its offset and length against the buffer; a bad offset, a vtable or
/// vector that runs past the end, or a count too large for the file throws
/// ``InferenceError/Code/malformedModel`` naming the table and field being read. Nothing
/// here can read outside `bytes`.
struct FlatBufferReader: Sendable {
    let bytes: [UInt8]

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    /// Checks that `length` bytes starting at `offset` lie inside the buffer.
    func check(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw InferenceError.malformed(
                "\(what()): \(length) bytes at offset \(offset) lie outside the \(bytes.count)-byte file")
        }
    }

    func uint8(at offset: Int, _ what: @autoclosure () -> String) throws -> UInt8 {
        try check(offset, 1, what())
        return bytes[offset]
    }

    func uint16(at offset: Int, _ what: @autoclosure () -> String) throws -> UInt16 {
        try check(offset, 2, what())
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func uint32(at offset: Int, _ what: @autoclosure () -> String) throws -> UInt32 {
        try check(offset, 4, what())
        return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    func uint64(at offset: Int, _ what: @autoclosure () -> String) throws -> UInt64 {
        let low = try uint32(at: offset, what())
        let high = try uint32(at: offset + 4, what())
        return UInt64(low) | UInt64(high) << 32
    }

    func int32(at offset: Int, _ what: @autoclosure () -> String) throws -> Int32 {
        Int32(bitPattern: try uint32(at: offset, what()))
    }

    /// The root table: the file starts with a uoffset to it.
    func rootTable(named name: String) throws -> FlatBufferTable {
        let target = try uint32(at: 0, "\(name) root offset")
        return try FlatBufferTable(reader: self, position: Int(target), path: name)
    }

    /// Follows the uoffset stored at `offset` and returns the absolute position it points to.
    func followOffset(at offset: Int, _ what: @autoclosure () -> String) throws -> Int {
        let relative = try uint32(at: offset, what())
        let target = offset + Int(relative)
        guard target < bytes.count else {
            throw InferenceError.malformed(
                "\(what()): offset \(relative) at \(offset) points past the end of the \(bytes.count)-byte file")
        }
        return target
    }
}
