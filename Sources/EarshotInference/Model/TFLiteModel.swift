import EarshotFiles
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A TensorFlow Lite model, read from a `.tflite` flatbuffer and validated.
///
/// Loading reads every table with bounds checks (a corrupt or hostile file throws an
/// ``InferenceError`` naming the table and field), checks every operator is one this
/// interpreter runs (naming the first that is not), and checks tensor indices, buffers
/// and quantization parameters. The model is immutable and can be shared between
/// interpreters and threads.
///
/// ```swift
/// let model = try TFLiteModel(contentsOf: url)
/// let interpreter = try Interpreter(model: model)
/// ```
public struct TFLiteModel: Sendable {
    /// The schema version recorded in the file.
    public let version: UInt32
    /// The free-text description recorded in the file, if any.
    public let modelDescription: String?
    let subgraphs: [ModelSubgraph]
    /// Constant data by buffer index (buffer 0 is always empty).
    let buffers: [ArraySlice<UInt8>]

    /// Reads and validates a model file.
    /// - Parameter url: a `.tflite` file.
    /// - Throws: ``InferenceError`` with code `ioFailure`, `malformedModel`,
    ///   `unsupportedOperator` or `invalidModel`.
    public init(contentsOf url: URL) throws {
        try self.init(bytes: try Self.readBytes(path: url.path))
    }

    /// The whole file at `path`; a failure names the system's reason.
    private static func readBytes(path: String) throws -> [UInt8] {
        let file = try ReadOnlyFile(path: path) { error in
            let verb = switch error.step {
            case .open: "open"
            case .inspect: "inspect"
            case .notRegularFile, .read: "read"
            }
            return InferenceError(.ioFailure, "cannot \(verb) model file \(error.path): \(error.reason)")
        }
        let bytes = try file.read(at: 0, count: file.size)
        guard bytes.count == file.size else {
            throw InferenceError(.ioFailure, "cannot read model file \(path): it shrank while being read")
        }
        return bytes
    }

    /// Parses and validates a model held in memory.
    /// - Parameter bytes: the flatbuffer bytes of a `.tflite` file.
    public init(bytes: [UInt8]) throws {
        let parsed = try ModelParser(bytes: bytes).parse()
        self.version = parsed.version
        self.modelDescription = parsed.description
        self.subgraphs = parsed.subgraphs
        self.buffers = parsed.buffers
        try ModelValidator(subgraphs: subgraphs, buffers: buffers).validate()
    }

    /// Number of subgraphs (the first is the main graph).
    public var subgraphCount: Int { subgraphs.count }

    /// The distinct operators the main and all other subgraphs use, in first-use order.
    public var operators: [BuiltinOperator] {
        var seen: [BuiltinOperator] = []
        for graph in subgraphs {
            for op in graph.operators where !seen.contains(op.opcode) { seen.append(op.opcode) }
        }
        return seen
    }

    /// The main graph's inputs as declared in the file.
    public var inputs: [TensorInfo] { subgraphs[0].inputs.map { TensorInfo(subgraphs[0].tensors[$0]) } }
    /// The main graph's outputs as declared in the file.
    public var outputs: [TensorInfo] { subgraphs[0].outputs.map { TensorInfo(subgraphs[0].tensors[$0]) } }
}
