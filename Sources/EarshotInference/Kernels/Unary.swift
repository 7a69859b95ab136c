/// LOG, RSQRT and LEAKY_RELU. Float32 for all three; int8 LOG through a 256-entry table;
/// int8 RSQRT in TFLite's fixed-point arithmetic (``RsqrtInt8Kernel``);
/// int8 LEAKY_RELU with TFLite's two requantization multipliers (identity for x >= zero
/// point, alpha below).
enum UnaryOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        try node.setOutputShape(0, try node.input(0).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        try node.require(input.type == output.type, "input is \(input.type), output \(output.type)")
        let count = input.elementCount
        switch (node.op.opcode, input.type) {
        case (.log, .float32):
            return UnaryFloatKernel(input: try node.inputData(0), output: try node.outputData(0), count: count, .log)
        case (.rsqrt, .float32):
            return UnaryFloatKernel(input: try node.inputData(0), output: try node.outputData(0), count: count, .rsqrt)
        case (.leakyRelu, .float32):
            guard case .leakyRelu(let alpha) = node.op.options else { throw node.fail("missing LeakyReluOptions") }
            return UnaryFloatKernel(input: try node.inputData(0), output: try node.outputData(0), count: count, .leakyRelu(alpha: alpha))
        case (.log, .int8):
            // TFLite's LOG on int8 maps each value through a table filled like LOGISTIC's.
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            let table = LookupTable.int8(input: input, output: output) { libmLog($0) }
            return LookupTableKernel(table: table, input: try node.inputData(0), output: try node.outputData(0), count: count)
        case (.rsqrt, .int8):
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            return RsqrtInt8Kernel(
                input: try node.inputData(0), output: try node.outputData(0), count: count, inputScale: input.scale,
                inputZeroPoint: input.zeroPoint, outputScale: output.scale, outputZeroPoint: output.zeroPoint, rounding: node.rounding,
                path: node.path)
        case (.leakyRelu, .int8):
            guard case .leakyRelu(let alpha) = node.op.options else { throw node.fail("missing LeakyReluOptions") }
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            let rounding = node.rounding
            let (mi, si) = FixedPoint.quantizeMultiplier(Double(input.scale) / Double(output.scale), rounding: rounding)
            let (ma, sa) = FixedPoint.quantizeMultiplier(Double(input.scale * alpha / output.scale), rounding: rounding)
            let (zi, zo) = (input.zeroPoint, output.zeroPoint)
            var table = [Int8](repeating: 0, count: 256)
            for q in Int32(-128)...127 {
                let x = q - zi
                let y =
                    x >= 0
                    ? FixedPoint.multiplyByQuantizedMultiplier(x, mi, Int32(si), rounding)
                    : FixedPoint.multiplyByQuantizedMultiplier(x, ma, Int32(sa), rounding)
                table[Int(UInt8(bitPattern: Int8(q)))] = Int8(min(max(y &+ zo, -128), 127))
            }
            return LookupTableKernel(table: table, input: try node.inputData(0), output: try node.outputData(0), count: count)
        default:
            throw InferenceError.unsupported("\(node.path): \(node.op.opcode.name) on \(input.type) is not supported")
        }
    }
}

/// Int8 RSQRT as TFLite's `RsqrtEvalQuantized` computes it: per value, gemmlowp's
/// Newton-Raphson inverse square root (`GetInvSqrtQuantizedMultiplierExp`), then the
/// `1 / (sqrt(input_scale) * output_scale)` requantization. A zero input gives the maximum;
/// a negative one fails the invocation, as TFLite does. Precomputed for all 256 inputs.
final class RsqrtInt8Kernel: Kernel {
    let table: KernelBuffer<Int8>
    let input: UnsafePointer<Int8>
    let output: UnsafeMutablePointer<Int8>
    let count: Int
    let inputZeroPoint: Int32
    let path: String

    init(
        input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, count: Int, inputScale: Float, inputZeroPoint: Int32,
        outputScale: Float, outputZeroPoint: Int32, rounding: MultiplierRounding, path: String
    ) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.count = count
        self.inputZeroPoint = inputZeroPoint
        self.path = path
        let (multiplier, shift) = FixedPoint.quantizeMultiplier(
            1 / (Double(inputScale).squareRoot() * Double(outputScale)), rounding: rounding)
        let kShift: Int32 = 20
        var values = [Int8](repeating: 0, count: 256)
        for q in Int32(-128)...127 {
            let value = q &- inputZeroPoint
            let result: Int8
            if value == 0 {
                result = 127
            } else if value < 0 {
                result = 0  // never read: invoke fails first
            } else {
                let (invSqrt, invShift) = Self.inverseSqrt(value)
                let data = FixedPoint.multiplyByQuantizedMultiplier(1, invSqrt, invShift &+ kShift, rounding)
                let out = FixedPoint.multiplyByQuantizedMultiplier(data, multiplier, Int32(shift) &- kShift, rounding) &+ outputZeroPoint
                result = Int8(clamping: out)
            }
            values[Int(UInt8(bitPattern: Int8(q)))] = result
        }
        table = KernelBuffer(values)
    }

    /// `GetInvSqrtQuantizedMultiplierExp(input, reverse_shift = -1)` (`common.h`).
    static func inverseSqrt(_ value: Int32) -> (multiplier: Int32, shift: Int32) {
        if value <= 1 { return (Int32.max, 0) }
        var input = value
        var shift: Int32 = 11
        while input >= (1 << 29) {
            input /= 4
            shift += 1
        }
        let maxLeftShiftBits = UInt32(bitPattern: input).leadingZeroBitCount - 1
        let leftShiftBitPairs = maxLeftShiftBits / 2 - 1
        shift -= Int32(leftShiftBitPairs)
        input <<= 2 * leftShiftBitPairs
        // Q3.28 Newton-Raphson for 1 / sqrt.
        let fixedInput = input >> 1
        let halfInput = FixedPoint.roundingDivideByPOT(fixedInput, 1)
        let halfThree: Int32 = (1 << 28) + (1 << 27)
        var x: Int32 = 1 << 28
        let mul = FixedPoint.saturatingRoundingDoublingHighMul
        for _ in 0..<5 {
            let x3 = GemmlowpFixedPoint.saturatingShiftLeft(mul(mul(x, x), x), 6)
            x = GemmlowpFixedPoint.saturatingShiftLeft(mul(halfThree, x) &- mul(halfInput, x3), 3)
        }
        let halfSqrt2: Int32 = 1_518_500_250
        var result = mul(x, halfSqrt2)
        if shift < 0 {
            result <<= -shift
            shift = 0
        }
        return (result, -shift)
    }

    func invoke(_ context: ExecutionContext) throws {
        let t = table.pointer
        for i in 0..<count {
            let q = input[i]
            if Int32(q) < inputZeroPoint {
                throw InferenceError(.runtimeFailure, "\(path): RSQRT is only defined for non-negative values")
            }
            output[i] = t[Int(UInt8(bitPattern: q))]
        }
    }
}
