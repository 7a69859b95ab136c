@testable import EarshotInference

/// Builds small `.tflite` models for operator tests, following TFLite's schema.
struct TestModel {
    struct Tensor {
        var type: TensorType
        var shape: [Int]
        var data: [UInt8]? = nil
        var scales: [Float]? = nil
        var zeroPoints: [Int64]? = nil
        var quantizedDimension = 0
        var isVariable = false
    }

    struct Operator {
        var opcode: BuiltinOperator
        var inputs: [Int]
        var outputs: [Int]
        var options: [(Int, FlatBufferField)]? = nil
        /// The `BuiltinOptions` union type; TFLite needs it to read `options`, this
        /// interpreter goes by the opcode.
        var optionsType: UInt8? = nil
    }

    struct Subgraph {
        var tensors: [Tensor]
        var inputs: [Int]
        var outputs: [Int]
        var operators: [Operator]
    }

    var subgraphs: [Subgraph]

    init(_ subgraphs: [Subgraph]) { self.subgraphs = subgraphs }

    init(tensors: [Tensor], inputs: [Int], outputs: [Int], operators: [Operator]) {
        subgraphs = [Subgraph(tensors: tensors, inputs: inputs, outputs: outputs, operators: operators)]
    }

    func bytes() -> [UInt8] {
        var codes: [BuiltinOperator] = []
        var buffers: [FlatBufferObject] = [.table([])]
        var graphs: [FlatBufferObject] = []
        for graph in subgraphs {
            var tensors: [FlatBufferObject] = []
            for (i, t) in graph.tensors.enumerated() {
                var fields: [(Int, FlatBufferField)] = [
                    (0, .object(.int32s(t.shape.map(Int32.init)))), (1, .uint8(t.type.rawValue)), (3, .object(.string("t\(i)"))),
                ]
                if let data = t.data {
                    fields.append((2, .uint32(UInt32(buffers.count))))
                    buffers.append(.table([(0, .object(.bytes(data)))]))
                }
                if let scales = t.scales {
                    fields.append(
                        (
                            4,
                            .object(
                                .table([
                                    (2, .object(.float32s(scales))),
                                    (3, .object(.int64s(t.zeroPoints ?? [Int64](repeating: 0, count: scales.count)))),
                                    (6, .int32(Int32(t.quantizedDimension))),
                                ]))
                        ))
                }
                if t.isVariable { fields.append((5, .bool(true))) }
                tensors.append(.table(fields))
            }
            var operators: [FlatBufferObject] = []
            for op in graph.operators {
                let index: Int
                if let existing = codes.firstIndex(of: op.opcode) {
                    index = existing
                } else {
                    index = codes.count
                    codes.append(op.opcode)
                }
                var fields: [(Int, FlatBufferField)] = [
                    (0, .uint32(UInt32(index))), (1, .object(.int32s(op.inputs.map(Int32.init)))),
                    (2, .object(.int32s(op.outputs.map(Int32.init)))),
                ]
                if let options = op.options { fields.append((4, .object(.table(options)))) }
                if let optionsType = op.optionsType { fields.append((3, .uint8(optionsType))) }
                operators.append(.table(fields))
            }
            graphs.append(
                .table([
                    (0, .object(.tables(tensors))), (1, .object(.int32s(graph.inputs.map(Int32.init)))),
                    (2, .object(.int32s(graph.outputs.map(Int32.init)))), (3, .object(.tables(operators))),
                ]))
        }
        let opcodes: [FlatBufferObject] = codes.map {
            .table([(0, .int8(Int8(min($0.code, 127)))), (2, .int32(1)), (3, .int32($0.code))])
        }
        return FlatBufferBuilder.build(
            .table([
                (0, .uint32(3)), (1, .object(.tables(opcodes))), (2, .object(.tables(graphs))),
                (4, .object(.tables(buffers))),
            ]), identifier: "TFL3")
    }

    func interpreter(rounding: RequantizationRounding = .liteRT) throws -> Interpreter {
        try Interpreter(model: try TFLiteModel(bytes: bytes()), options: .init(rounding: rounding))
    }
}

/// Raw little-endian bytes of values, for constant tensors.
func rawBytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

extension TestModel.Tensor {
    static func float(_ shape: [Int], _ values: [Float]? = nil) -> Self {
        .init(type: .float32, shape: shape, data: values.map(rawBytes))
    }
    static func int32(_ shape: [Int], _ values: [Int32]? = nil) -> Self {
        .init(type: .int32, shape: shape, data: values.map(rawBytes))
    }
    static func int8(_ shape: [Int], _ values: [Int8]? = nil, scale: [Float], zeroPoint: [Int64] = [0], dimension: Int = 0) -> Self {
        .init(
            type: .int8, shape: shape, data: values.map(rawBytes), scales: scale,
            zeroPoints: zeroPoint.count == scale.count ? zeroPoint : [Int64](repeating: zeroPoint[0], count: scale.count),
            quantizedDimension: dimension)
    }
    static func bool(_ shape: [Int]) -> Self { .init(type: .bool, shape: shape) }
    static func resource() -> Self { .init(type: .resource, shape: []) }
}

extension Interpreter {
    func run(float inputs: [[Float]]) throws -> [Float] {
        for (i, values) in inputs.enumerated() { try setInput(i, float: values) }
        try invoke()
        return try outputFloats(0)
    }

    func run(int8 inputs: [[Int8]]) throws -> [Int8] {
        for (i, values) in inputs.enumerated() { try setInput(i, int8: values) }
        try invoke()
        return try outputBytes(0).map { Int8(bitPattern: $0) }
    }
}
