/// QUANTIZE: float32 to int8/uint8 (`AffineQuantize`), or requantization between 8-bit
/// types (`Requantize`, with a multiplier from `input_scale / output_scale` in double).
enum QuantizeOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        try node.setOutputShape(0, try node.input(0).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        try node.requireQuantized(output, "output")
        try node.requireType(output, [.int8, .uint8], "output")
        let (qmin, qmax): (Int32, Int32) = output.type == .int8 ? (-128, 127) : (0, 255)
        switch input.type {
        case .float32:
            return AffineQuantizeKernel(
                input: try node.inputData(0), output: try node.outputData(0), count: input.elementCount,
                scale: output.scale, zeroPoint: output.zeroPoint, qmin: qmin, qmax: qmax)
        case .int8, .uint8:
            try node.requireQuantized(input, "input")
            let (m, s) = FixedPoint.quantizeMultiplier(Double(input.scale) / Double(output.scale), rounding: node.rounding)
            return RequantizeKernel(
                input: try node.inputData(0), inputSigned: input.type == .int8, output: try node.outputData(0),
                count: input.elementCount, multiplier: m, shift: Int32(s), inputZeroPoint: input.zeroPoint,
                outputZeroPoint: output.zeroPoint, qmin: qmin, qmax: qmax, rounding: node.rounding)
        default:
            throw InferenceError.unsupported("\(node.path): QUANTIZE from \(input.type) is not supported")
        }
    }
}

final class AffineQuantizeKernel: Kernel {
    let input: UnsafePointer<Float>
    let output: UnsafeMutableRawPointer
    let count: Int
    let scale: Float
    let zeroPoint, qmin, qmax: Int32

    init(
        input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, count: Int, scale: Float, zeroPoint: Int32, qmin: Int32,
        qmax: Int32
    ) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.output = output
        self.count = count
        self.scale = scale
        self.zeroPoint = zeroPoint
        self.qmin = qmin
        self.qmax = qmax
    }

    func invoke(_ context: ExecutionContext) throws {
        let out = output.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count {
            let scaled = (input[i] / scale).rounded(.toNearestOrAwayFromZero)
            let clampedFloat = max(min(scaled, 4e9), -4e9)
            let value = Int64(clampedFloat.isNaN ? 0 : clampedFloat) + Int64(zeroPoint)
            out[i] = UInt8(truncatingIfNeeded: Int32(max(min(value, Int64(qmax)), Int64(qmin))))
        }
    }
}

final class RequantizeKernel: Kernel {
    let input: UnsafeRawPointer
    let inputSigned: Bool
    let output: UnsafeMutableRawPointer
    let count: Int
    let multiplier, shift, inputZeroPoint, outputZeroPoint, qmin, qmax: Int32
    let rounding: MultiplierRounding

    init(
        input: UnsafeMutableRawPointer, inputSigned: Bool, output: UnsafeMutableRawPointer, count: Int, multiplier: Int32,
        shift: Int32, inputZeroPoint: Int32, outputZeroPoint: Int32, qmin: Int32, qmax: Int32,
        rounding: MultiplierRounding
    ) {
        self.rounding = rounding
        self.input = UnsafeRawPointer(input)
        self.inputSigned = inputSigned
        self.output = output
        self.count = count
        self.multiplier = multiplier
        self.shift = shift
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.qmin = qmin
        self.qmax = qmax
    }

    func invoke(_ context: ExecutionContext) throws {
        let bytes = input.assumingMemoryBound(to: UInt8.self)
        let out = output.assumingMemoryBound(to: UInt8.self)
        for i in 0..<count {
            let raw = inputSigned ? Int32(Int8(bitPattern: bytes[i])) : Int32(bytes[i])
            var value = FixedPoint.multiplyByQuantizedMultiplier(raw &- inputZeroPoint, multiplier, shift, rounding) &+ outputZeroPoint
            value = min(max(value, qmin), qmax)
            out[i] = UInt8(truncatingIfNeeded: value)
        }
    }
}
