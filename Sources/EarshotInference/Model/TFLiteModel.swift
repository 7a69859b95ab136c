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
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw InferenceError(.ioFailure, "cannot read model file \(url.path): \(errorReason(error))")
        }
        try self.init(bytes: [UInt8](data))
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
