/// One operator being prepared: typed access to its tensors with errors that name the
/// subgraph, the operator and the tensor.
struct Node {
    let graph: SubgraphState
    let op: ModelOperator
    let index: Int
    unowned let preparer: GraphPreparer

    var rounding: MultiplierRounding { preparer.context.rounding.elementwise }
    var matrixRounding: MultiplierRounding { preparer.context.rounding.matrixMultiply }
    var depthwiseRounding: MultiplierRounding { preparer.context.rounding.depthwise }

    var path: String { "subgraph \(graph.index) operator \(index) (\(op.opcode.name))" }

    func fail(_ message: String) -> InferenceError {
        InferenceError.invalid("\(path): \(message)")
    }

    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw fail(message()) }
    }

    var inputCount: Int { op.inputs.count }
    var outputCount: Int { op.outputs.count }

    func requireCounts(inputs: ClosedRange<Int>, outputs: ClosedRange<Int>) throws {
        try require(inputs.contains(op.inputs.count), "expects \(inputs) inputs, has \(op.inputs.count)")
        try require(outputs.contains(op.outputs.count), "expects \(outputs) outputs, has \(op.outputs.count)")
    }

    func hasInput(_ i: Int) -> Bool { i < op.inputs.count && op.inputs[i] >= 0 }

    func inputIndex(_ i: Int) throws -> Int {
        guard hasInput(i) else { throw fail("input \(i) is missing") }
        return op.inputs[i]
    }

    func input(_ i: Int) throws -> RuntimeTensor {
        let t = graph.tensors[try inputIndex(i)]
        guard t.shapeKnown else {
            throw fail("input \(i) (tensor \(op.inputs[i]) \"\(t.name)\") is read before any operator produces it")
        }
        return t
    }

    func outputIndex(_ i: Int) throws -> Int {
        guard i < op.outputs.count else { throw fail("output \(i) is missing") }
        return op.outputs[i]
    }

    func output(_ i: Int) throws -> RuntimeTensor {
        graph.tensors[try outputIndex(i)]
    }

    /// Records the shape an operator produces for output `i`.
    func setOutputShape(_ i: Int, _ shape: [Int]) throws {
        let t = try outputIndex(i)
        try require(graph.tensors[t].constantBuffer == nil, "output \(i) (tensor \(t)) is a constant")
        try require(shape.allSatisfy { $0 >= 0 }, "output \(i) would have negative dimension \(shape)")
        var elements = 1
        for d in shape {
            let (p, o) = elements.multipliedReportingOverflow(by: d)
            try require(!o && p <= 1 << 31, "output \(i) shape \(shape) is too large")
            elements = p
        }
        graph.tensors[t].shape = shape
        graph.tensors[t].shapeKnown = true
    }

    /// The values of a constant INT32 or INT64 input (shape operands, axes, paddings).
    func constantInts(_ i: Int) throws -> [Int] {
        let t = try input(i)
        guard t.isConstant, let data = t.data else {
            throw fail("input \(i) (\"\(t.name)\") must be a constant tensor")
        }
        switch t.type {
        case .int32:
            return (0..<t.elementCount).map { Int(data.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
        case .int64:
            // Clamped to the int32 range, so that sums and products of a few values cannot overflow.
            return (0..<t.elementCount).map {
                Int(max(min(data.loadUnaligned(fromByteOffset: 8 * $0, as: Int64.self), Int64(Int32.max)), Int64(Int32.min)))
            }
        default:
            throw fail("input \(i) (\"\(t.name)\") must be INT32 or INT64, is \(t.type)")
        }
    }

    /// The product of `values`, or nil when it overflows or exceeds 2^31.
    static func checkedProduct(_ values: [Int]) -> Int? {
        var result = 1
        for v in values {
            let (p, o) = result.multipliedReportingOverflow(by: v)
            if o || p > 1 << 31 || p < -(1 << 31) { return nil }
            result = p
        }
        return result
    }

    func requireType(_ t: RuntimeTensor, _ types: [TensorType], _ what: String) throws {
        try require(types.contains(t.type), "\(what) has type \(t.type); expected \(types.map(\.description).joined(separator: " or "))")
    }

    func requireQuantized(_ t: RuntimeTensor, _ what: String) throws {
        try require(t.quantization != nil, "\(what) (\"\(t.name)\") is \(t.type) but has no quantization parameters")
    }

    func data(_ t: RuntimeTensor, _ what: String) throws -> UnsafeMutableRawPointer {
        guard let d = t.data else { throw fail("\(what) (\"\(t.name)\") has no storage") }
        return d
    }

    func inputData(_ i: Int) throws -> UnsafeMutableRawPointer { try data(input(i), "input \(i)") }
    func outputData(_ i: Int) throws -> UnsafeMutableRawPointer { try data(output(i), "output \(i)") }
}
