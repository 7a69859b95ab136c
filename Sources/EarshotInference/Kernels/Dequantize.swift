/// DEQUANTIZE: int8/uint8 to float32, `float(double(scale) * (q - zero_point))` as the
/// reference kernel computes it.
enum DequantizeOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        try node.setOutputShape(0, try node.input(0).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        try node.requireType(input, [.int8, .uint8], "input")
        try node.requireType(output, [.float32], "output")
        try node.requireQuantized(input, "input")
        return DequantizeKernel(
            input: try node.inputData(0), signed: input.type == .int8, output: try node.outputData(0), count: input.elementCount,
            scale: Double(input.scale), zeroPoint: input.zeroPoint)
    }
}

final class DequantizeKernel: Kernel {
    let input: UnsafePointer<UInt8>
    let signed: Bool
    let output: UnsafeMutablePointer<Float>
    let count: Int
    let scale: Double
    let zeroPoint: Int32

    init(input: UnsafeMutableRawPointer, signed: Bool, output: UnsafeMutableRawPointer, count: Int, scale: Double, zeroPoint: Int32) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: UInt8.self))
        self.signed = signed
        self.output = output.assumingMemoryBound(to: Float.self)
        self.count = count
        self.scale = scale
        self.zeroPoint = zeroPoint
    }

    func invoke(_ context: ExecutionContext) throws {
        for i in 0..<count {
            let q = signed ? Int32(Int8(bitPattern: input[i])) : Int32(input[i])
            output[i] = Float(scale * Double(q - zeroPoint))
        }
    }
}
