/// CONCATENATION along one axis. Int8 inputs must share the output's scale and zero point
/// (TFLite's restriction for int8), so the data is copied unchanged.
enum ConcatenationOperator: OperatorDefinition {
    static func axisAndShape(_ node: Node) throws -> (axis: Int, shape: [Int]) {
        try node.require(node.inputCount >= 1 && node.outputCount == 1, "expects at least 1 input and 1 output")
        guard case .concatenation(let rawAxis, let activation) = node.op.options else { throw node.fail("missing ConcatenationOptions") }
        try node.require(activation == .none, "fused activation \(activation) is not supported")
        let first = try node.input(0)
        let rank = first.shape.count
        let axis = rawAxis < 0 ? rawAxis + rank : rawAxis
        try node.require(axis >= 0 && axis < rank, "axis \(rawAxis) out of range for rank \(rank)")
        var shape = first.shape
        for i in 1..<node.inputCount {
            let t = try node.input(i)
            try node.require(
                t.shape.count == rank && t.type == first.type,
                "input \(i) \(t.type) \(t.shape) does not match input 0 \(first.type) \(first.shape)")
            for d in 0..<rank where d != axis {
                try node.require(t.shape[d] == first.shape[d], "input \(i) shape \(t.shape) does not match \(first.shape) off the axis")
            }
            shape[axis] += t.shape[axis]
        }
        return (axis, shape)
    }

    static func inferShapes(_ node: Node) throws {
        try node.setOutputShape(0, try axisAndShape(node).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let (axis, shape) = try axisAndShape(node)
        let output = try node.output(0)
        try node.requireType(output, [.float32, .int8, .uint8, .int32, .int64, .bool, .int16], "output")
        var sources: [UnsafeRawPointer] = []
        var inputs: [RuntimeTensor] = []
        for i in 0..<node.inputCount {
            let t = try node.input(i)
            try node.require(t.type == output.type, "input \(i) is \(t.type), output \(output.type)")
            if t.type == .int8 || t.type == .uint8 {
                try node.require(
                    t.scale == output.scale && t.zeroPoint == output.zeroPoint,
                    "input \(i) quantization (\(t.scale), \(t.zeroPoint)) differs from the output's (\(output.scale), \(output.zeroPoint)); requantizing concatenation is not supported"
                )
            }
            sources.append(UnsafeRawPointer(try node.inputData(i)))
            inputs.append(t)
        }
        let element = output.type.byteSize
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        var plan = CopyPlan()
        var destination = 0
        for o in 0..<outer {
            for (i, t) in inputs.enumerated() {
                let bytes = t.shape[axis] * inner * element
                plan.add(source: i, sourceOffset: o * bytes, destinationOffset: destination, byteCount: bytes)
                destination += bytes
            }
        }
        return CopyKernel(sources: sources, destinations: [(try node.outputData(0), plan)])
    }
}
