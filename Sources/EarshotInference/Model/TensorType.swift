/// Element type of a tensor, with the codes of TFLite's `TensorType` enum.
public enum TensorType: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case float32 = 0
    case float16 = 1
    case int32 = 2
    case uint8 = 3
    case int64 = 4
    case string = 5
    case bool = 6
    case int16 = 7
    case complex64 = 8
    case int8 = 9
    case float64 = 10
    case complex128 = 11
    case uint64 = 12
    case resource = 13
    case variant = 14
    case uint32 = 15
    case uint16 = 16
    case int4 = 17

    /// Bytes per element (0 for types without a fixed size, which no kernel here stores).
    public var byteSize: Int {
        switch self {
        case .float32, .int32, .uint32: return 4
        case .float16, .int16, .uint16: return 2
        case .uint8, .int8, .bool: return 1
        case .int64, .float64, .uint64, .complex64: return 8
        case .complex128: return 16
        case .resource: return 4
        case .string, .variant, .int4: return 0
        }
    }

    public var description: String {
        switch self {
        case .float32: return "FLOAT32"
        case .float16: return "FLOAT16"
        case .int32: return "INT32"
        case .uint8: return "UINT8"
        case .int64: return "INT64"
        case .string: return "STRING"
        case .bool: return "BOOL"
        case .int16: return "INT16"
        case .complex64: return "COMPLEX64"
        case .int8: return "INT8"
        case .float64: return "FLOAT64"
        case .complex128: return "COMPLEX128"
        case .uint64: return "UINT64"
        case .resource: return "RESOURCE"
        case .variant: return "VARIANT"
        case .uint32: return "UINT32"
        case .uint16: return "UINT16"
        case .int4: return "INT4"
        }
    }
}
