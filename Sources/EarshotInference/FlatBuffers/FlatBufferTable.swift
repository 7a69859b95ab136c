/// One FlatBuffers table, located and checked: its vtable lies inside the file, and every
/// field the vtable names lies inside the table. Field accessors take the field's index in
/// the schema (0 for the first field) and a name used in error messages.
struct FlatBufferTable: Sendable {
    let reader: FlatBufferReader
    /// Absolute position of the table (where its soffset to the vtable is stored).
    let position: Int
    /// Dotted path used in error messages, e.g. `Model.subgraphs[0].tensors[3]`.
    let path: String
    private let vtable: Int
    private let vtableSize: Int
    private let tableSize: Int

    init(reader: FlatBufferReader, position: Int, path: String) throws {
        self.reader = reader
        self.position = position
        self.path = path
        let soffset = try reader.int32(at: position, "\(path): vtable offset")
        let vtable = position - Int(soffset)
        let vtableSize = Int(try reader.uint16(at: vtable, "\(path): vtable size"))
        let tableSize = Int(try reader.uint16(at: vtable + 2, "\(path): table size"))
        guard vtableSize >= 4, vtableSize % 2 == 0 else {
            throw InferenceError.malformed("\(path): vtable size \(vtableSize) is invalid")
        }
        guard tableSize >= 4 else {
            throw InferenceError.malformed("\(path): table size \(tableSize) is invalid")
        }
        try reader.check(vtable, vtableSize, "\(path): vtable")
        try reader.check(position, tableSize, "\(path): table")
        self.vtable = vtable
        self.vtableSize = vtableSize
        self.tableSize = tableSize
    }

    /// Absolute position of field `index`, or nil when the field is absent (default value).
    private func fieldPosition(_ index: Int, size: Int, _ name: String) throws -> Int? {
        let entry = 4 + 2 * index
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(try reader.uint16(at: vtable + entry, "\(path).\(name): vtable entry"))
        if offset == 0 { return nil }
        guard offset >= 4, offset + size <= tableSize else {
            throw InferenceError.malformed(
                "\(path).\(name): field offset \(offset) (+\(size) bytes) lies outside the \(tableSize)-byte table")
        }
        return position + offset
    }

    func hasField(_ index: Int) -> Bool {
        (try? fieldPosition(index, size: 1, "")) != nil
    }

    func uint8(_ index: Int, _ name: String, default value: UInt8 = 0) throws -> UInt8 {
        guard let at = try fieldPosition(index, size: 1, name) else { return value }
        return try reader.uint8(at: at, "\(path).\(name)")
    }

    func int8(_ index: Int, _ name: String, default value: Int8 = 0) throws -> Int8 {
        Int8(bitPattern: try uint8(index, name, default: UInt8(bitPattern: value)))
    }

    func bool(_ index: Int, _ name: String, default value: Bool = false) throws -> Bool {
        try uint8(index, name, default: value ? 1 : 0) != 0
    }

    func int32(_ index: Int, _ name: String, default value: Int32 = 0) throws -> Int32 {
        guard let at = try fieldPosition(index, size: 4, name) else { return value }
        return try reader.int32(at: at, "\(path).\(name)")
    }

    func uint32(_ index: Int, _ name: String, default value: UInt32 = 0) throws -> UInt32 {
        guard let at = try fieldPosition(index, size: 4, name) else { return value }
        return try reader.uint32(at: at, "\(path).\(name)")
    }

    func uint64(_ index: Int, _ name: String, default value: UInt64 = 0) throws -> UInt64 {
        guard let at = try fieldPosition(index, size: 8, name) else { return value }
        return try reader.uint64(at: at, "\(path).\(name)")
    }

    func float32(_ index: Int, _ name: String, default value: Float = 0) throws -> Float {
        guard let at = try fieldPosition(index, size: 4, name) else { return value }
        return Float(bitPattern: try reader.uint32(at: at, "\(path).\(name)"))
    }

    /// A sub-table referenced by field `index`, or nil when absent.
    func table(_ index: Int, _ name: String) throws -> FlatBufferTable? {
        guard let at = try fieldPosition(index, size: 4, name) else { return nil }
        let target = try reader.followOffset(at: at, "\(path).\(name)")
        return try FlatBufferTable(reader: reader, position: target, path: "\(path).\(name)")
    }

    /// Start and element count of the vector referenced by field `index`, checked to fit in
    /// the file for elements of `elementSize` bytes; nil when absent.
    func vector(_ index: Int, _ name: String, elementSize: Int) throws -> (start: Int, count: Int)? {
        guard let at = try fieldPosition(index, size: 4, name) else { return nil }
        let target = try reader.followOffset(at: at, "\(path).\(name)")
        let count = Int(try reader.uint32(at: target, "\(path).\(name): vector length"))
        guard count <= (reader.count - target - 4) / elementSize else {
            throw InferenceError.malformed(
                "\(path).\(name): vector of \(count) elements of \(elementSize) bytes at offset \(target) runs past the end of the \(reader.count)-byte file"
            )
        }
        return (target + 4, count)
    }

    /// The tables of a vector of tables; empty when absent.
    func tables(_ index: Int, _ name: String) throws -> [FlatBufferTable] {
        guard let (start, count) = try vector(index, name, elementSize: 4) else { return [] }
        var result: [FlatBufferTable] = []
        result.reserveCapacity(count)
        for i in 0..<count {
            let target = try reader.followOffset(at: start + 4 * i, "\(path).\(name)[\(i)]")
            result.append(try FlatBufferTable(reader: reader, position: target, path: "\(path).\(name)[\(i)]"))
        }
        return result
    }

    /// A vector of int32; empty when absent.
    func int32s(_ index: Int, _ name: String) throws -> [Int32] {
        guard let (start, count) = try vector(index, name, elementSize: 4) else { return [] }
        return try (0..<count).map { try reader.int32(at: start + 4 * $0, "\(path).\(name)[\($0)]") }
    }

    /// A vector of int64; empty when absent.
    func int64s(_ index: Int, _ name: String) throws -> [Int64] {
        guard let (start, count) = try vector(index, name, elementSize: 8) else { return [] }
        return try (0..<count).map { Int64(bitPattern: try reader.uint64(at: start + 8 * $0, "\(path).\(name)[\($0)]")) }
    }

    /// A vector of float32; empty when absent.
    func float32s(_ index: Int, _ name: String) throws -> [Float] {
        guard let (start, count) = try vector(index, name, elementSize: 4) else { return [] }
        return try (0..<count).map { Float(bitPattern: try reader.uint32(at: start + 4 * $0, "\(path).\(name)[\($0)]")) }
    }

    /// The bytes of a vector of ubyte; nil when absent.
    func bytes(_ index: Int, _ name: String) throws -> ArraySlice<UInt8>? {
        guard let (start, count) = try vector(index, name, elementSize: 1) else { return nil }
        return reader.bytes[start..<(start + count)]
    }

    /// A string (UTF-8, invalid sequences repaired); nil when absent.
    func string(_ index: Int, _ name: String) throws -> String? {
        guard let bytes = try bytes(index, name) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }
}
