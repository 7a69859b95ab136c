/// A minimal FlatBuffers writer for building small test models. Objects are laid out front
/// to back (each child after the field that refers to it), so every uoffset is positive.
indirect enum FlatBufferObject {
    case table([(Int, FlatBufferField)])
    case tables([FlatBufferObject])
    case int32s([Int32])
    case int64s([Int64])
    case float32s([Float])
    case bytes([UInt8])
    case string(String)
}

enum FlatBufferField {
    case uint8(UInt8)
    case int8(Int8)
    case bool(Bool)
    case int32(Int32)
    case uint32(UInt32)
    case float32(Float)
    case object(FlatBufferObject)
}

struct FlatBufferBuilder {
    private(set) var bytes: [UInt8] = []

    /// Serializes `root` with file identifier `identifier` (4 characters).
    static func build(_ root: FlatBufferObject, identifier: String) -> [UInt8] {
        var builder = FlatBufferBuilder()
        builder.bytes = [0, 0, 0, 0] + Array(identifier.utf8)
        let position = builder.write(root)
        builder.patch(at: 0, UInt32(position))
        return builder.bytes
    }

    private mutating func align(_ n: Int) {
        while bytes.count % n != 0 { bytes.append(0) }
    }

    private mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    private mutating func patch(at position: Int, _ value: UInt32) {
        for i in 0..<4 { bytes[position + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }

    /// Writes the object and its children; returns the object's position.
    private mutating func write(_ object: FlatBufferObject) -> Int {
        switch object {
        case .table(let fields):
            let sorted = fields.sorted { $0.0 < $1.0 }
            let maxIndex = sorted.last?.0 ?? -1
            // Inline layout after the 4-byte soffset, every field in a 4-byte slot.
            var offsets = [Int](repeating: 0, count: maxIndex + 1)
            var size = 4
            for (index, _) in sorted {
                offsets[index] = size
                size += 4
            }
            align(2)
            let vtable = bytes.count
            append(UInt16(4 + 2 * (maxIndex + 1)))
            append(UInt16(size))
            for o in offsets { append(UInt16(o)) }
            align(4)
            let table = bytes.count
            append(Int32(table - vtable))
            var pending: [(Int, FlatBufferObject)] = []
            for (_, field) in sorted {
                switch field {
                case .uint8(let v): append(v); append(UInt8(0)); append(UInt16(0))
                case .int8(let v): append(v); append(UInt8(0)); append(UInt16(0))
                case .bool(let v): append(UInt8(v ? 1 : 0)); append(UInt8(0)); append(UInt16(0))
                case .int32(let v): append(v)
                case .uint32(let v): append(v)
                case .float32(let v): append(v.bitPattern)
                case .object(let child):
                    pending.append((bytes.count, child))
                    append(UInt32(0))
                }
            }
            for (slot, child) in pending {
                let position = write(child)
                patch(at: slot, UInt32(position - slot))
            }
            return table
        case .tables(let children):
            align(4)
            let start = bytes.count
            append(UInt32(children.count))
            let slots = children.indices.map { _ -> Int in
                let s = bytes.count
                append(UInt32(0))
                return s
            }
            for (slot, child) in zip(slots, children) {
                let position = write(child)
                patch(at: slot, UInt32(position - slot))
            }
            return start
        case .int32s(let values):
            align(4)
            let start = bytes.count
            append(UInt32(values.count))
            for v in values { append(v) }
            return start
        case .int64s(let values):
            align(4)
            let start = bytes.count
            append(UInt32(values.count))
            for v in values { append(v) }
            return start
        case .float32s(let values):
            align(4)
            let start = bytes.count
            append(UInt32(values.count))
            for v in values { append(v.bitPattern) }
            return start
        case .bytes(let values):
            align(4)
            let start = bytes.count
            append(UInt32(values.count))
            bytes.append(contentsOf: values)
            return start
        case .string(let s):
            align(4)
            let start = bytes.count
            let utf8 = Array(s.utf8)
            append(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
            bytes.append(0)
            return start
        }
    }
}
