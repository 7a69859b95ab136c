/// PAD with constant paddings: zeros for float32 and int32, the zero point for int8.
enum PadOperator: OperatorDefinition {
    static func paddings(_ node: Node) throws -> [(Int, Int)] {
        try node.requireCounts(inputs: 2...3, outputs: 1...1)
        let input = try node.input(0)
        let values = try node.constantInts(1)
        try node.require(values.count == 2 * input.shape.count, "paddings hold \(values.count) values for rank \(input.shape.count)")
        let pairs = stride(from: 0, to: values.count, by: 2).map { (values[$0], values[$0 + 1]) }
        try node.require(
            pairs.allSatisfy { $0.0 >= 0 && $0.1 >= 0 && $0.0 <= 1 << 20 && $0.1 <= 1 << 20 }, "paddings \(values) are invalid")
        return pairs
    }

    static func inferShapes(_ node: Node) throws {
        let input = try node.input(0)
        let pads = try paddings(node)
        try node.setOutputShape(0, zip(input.shape, pads).map { $0 + $1.0 + $1.1 })
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        let pads = try paddings(node)
        try node.require(input.type == output.type, "input is \(input.type), output \(output.type)")
        try node.requireType(input, [.float32, .int8, .int32, .uint8], "input")
        if input.type == .int8 || input.type == .uint8 {
            try node.require(input.scale == output.scale && input.zeroPoint == output.zeroPoint, "input and output quantization differ")
        }
        let element = input.type.byteSize
        var fill = [UInt8](repeating: 0, count: element)
        if input.type == .int8 { fill[0] = UInt8(bitPattern: Int8(truncatingIfNeeded: output.zeroPoint)) }
        if input.type == .uint8 { fill[0] = UInt8(truncatingIfNeeded: output.zeroPoint) }
        // Copy each innermost row of the input to its place in the output.
        let outStrides = rowMajorStrides(output.shape)
        let rank = input.shape.count
        var plan = CopyPlan()
        if input.elementCount > 0 {
            let rowLength = rank == 0 ? 1 : input.shape[rank - 1]
            let rows = input.elementCount / max(rowLength, 1)
            var index = [Int](repeating: 0, count: max(rank - 1, 0))
            for r in 0..<rows {
                var destination = rank == 0 ? 0 : pads[rank - 1].0
                for d in 0..<(rank - 1) { destination += (index[d] + pads[d].0) * outStrides[d] }
                plan.add(
                    source: 0, sourceOffset: r * rowLength * element, destinationOffset: destination * element,
                    byteCount: rowLength * element)
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    if index[d] < input.shape[d] { break }
                    index[d] = 0
                    d -= 1
                }
            }
        }
        return PadKernel(
            fill: fill, count: output.elementCount, output: try node.outputData(0),
            copy: CopyKernel(sources: [UnsafeRawPointer(try node.inputData(0))], destinations: [(try node.outputData(0), plan)]))
    }
}

final class PadKernel: Kernel {
    let fill: KernelBuffer<UInt8>
    let count: Int
    let output: UnsafeMutableRawPointer
    let copy: CopyKernel

    init(fill: [UInt8], count: Int, output: UnsafeMutableRawPointer, copy: CopyKernel) {
        self.fill = KernelBuffer(fill)
        self.count = count
        self.output = output
        self.copy = copy
    }

    func invoke(_ context: ExecutionContext) throws {
        let size = fill.count
        if size == 1 {
            output.initializeMemory(as: UInt8.self, repeating: fill.pointer[0], count: count)
        } else {
            for i in 0..<count { (output + i * size).copyMemory(from: fill.pointer, byteCount: size) }
        }
        try copy.invoke(context)
    }
}
