/// SOFTMAX over the last dimension: float32 `exp((x - max) * beta) / sum`, and int8 in
/// TFLite's reference fixed-point arithmetic (``SoftmaxInt8Kernel``).
enum SoftmaxOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        let input = try node.input(0)
        try node.require(!input.shape.isEmpty, "input must have at least one dimension")
        try node.setOutputShape(0, input.shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        guard case .softmax(let beta) = node.op.options else { throw node.fail("missing SoftmaxOptions") }
        let depth = input.shape.last!
        if input.type == .int8 && output.type == .int8 {
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            // TFLite's SoftmaxPrepare: the int8 output is fixed at zero point -128, scale 1/256.
            try node.require(output.zeroPoint == -128, "int8 SOFTMAX output zero point must be -128")
            try node.require(abs(output.scale - 1 / 256) <= 0.001 / 256, "int8 SOFTMAX output scale must be 1/256")
            try node.require(
                Double(beta) * Double(input.scale) * Double(1 << 26) > 1, "int8 SOFTMAX needs beta * input scale > 2^-26")
            return SoftmaxInt8Kernel(
                input: try node.inputData(0), output: try node.outputData(0), rows: depth == 0 ? 0 : input.elementCount / depth,
                depth: depth, beta: beta, inputScale: input.scale, rounding: node.rounding)
        }
        guard input.type == .float32, output.type == .float32 else {
            throw InferenceError.unsupported("\(node.path): SOFTMAX from \(input.type) to \(output.type) is not supported")
        }
        return SoftmaxFloatKernel(
            input: try node.inputData(0), output: try node.outputData(0), rows: depth == 0 ? 0 : input.elementCount / depth, depth: depth,
            beta: beta)
    }
}

final class SoftmaxFloatKernel: Kernel {
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let rows, depth: Int
    let beta: Float

    init(input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, rows: Int, depth: Int, beta: Float) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.output = output.assumingMemoryBound(to: Float.self)
        self.rows = rows
        self.depth = depth
        self.beta = beta
    }

    func invoke(_ context: ExecutionContext) throws {
        for r in 0..<rows {
            let x = input + r &* depth
            let y = output + r &* depth
            var maximum = -Float.greatestFiniteMagnitude
            for i in 0..<depth where x[i] > maximum { maximum = x[i] }
            var sum: Float = 0
            for i in 0..<depth {
                y[i] = libmExp((x[i] - maximum) * beta)
                sum += y[i]
            }
            for i in 0..<depth { y[i] /= sum }
        }
    }
}

/// Int8 SOFTMAX as TFLite's reference kernel computes it (`reference_ops::Softmax` for
/// quantized types, prepared by `SoftmaxPrepare` for the reference resolver): the input
/// differences from the row maximum, scaled by `beta * input_scale` into a Q5.26 fixed-point
/// value, go through gemmlowp's `exp_on_negative_values`; the sum of those (Q12.19) is
/// inverted with `GetReciprocal` and each output is the Q0.31 product shifted to the output's
/// fixed scale of 1/256 with zero point -128.
final class SoftmaxInt8Kernel: Kernel {
    static let scaledDiffIntegerBits = 5
    static let accumulationIntegerBits = 12

    let input: UnsafePointer<Int8>
    let output: UnsafeMutablePointer<Int8>
    let rows, depth: Int
    let inputMultiplier: Int32
    let inputLeftShift: Int32
    let diffMin: Int32

    /// `PreprocessSoftmaxScaling` and `CalculateInputRadius` (`quantization_util.cc`).
    static func parameters(beta: Float, inputScale: Float, rounding: MultiplierRounding) -> (multiplier: Int32, leftShift: Int32, diffMin: Int32) {
        let maxRealMultiplier = rounding == .single ? Double((Int64(1) << 30) - 1) : Double((Int64(1) << 31) - 1)
        let real = min(Double(beta) * Double(inputScale) * Double(1 << (31 - scaledDiffIntegerBits)), maxRealMultiplier)
        let (multiplier, shift) = FixedPoint.quantizeMultiplier(real, rounding: rounding)
        let leftShift = max(shift, 0)
        let totalSignedBits = 31
        let maxInputRescaled =
            Double((1 << scaledDiffIntegerBits) - 1) * Double(Int64(1) << (totalSignedBits - scaledDiffIntegerBits))
            / Double(Int64(1) << leftShift)
        let radius = Int32(clamping: Int64(maxInputRescaled.rounded(.down)))
        return (multiplier, Int32(leftShift), -radius)
    }

    init(input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, rows: Int, depth: Int, beta: Float, inputScale: Float, rounding: MultiplierRounding) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.rows = rows
        self.depth = depth
        (inputMultiplier, inputLeftShift, diffMin) = Self.parameters(beta: beta, inputScale: inputScale, rounding: rounding)
    }

    /// `MultiplyByQuantizedMultiplierGreaterThanOne`: the left shift, then the doubling high multiply.
    @inline(__always)
    func scaledDifference(_ diff: Int32) -> Int32 {
        FixedPoint.saturatingRoundingDoublingHighMul(diff &* (1 << inputLeftShift), inputMultiplier)
    }

    func invoke(_ context: ExecutionContext) throws {
        for r in 0..<rows {
            let x = input + r &* depth
            let y = output + r &* depth
            var maximum = Int8.min
            for i in 0..<depth where x[i] > maximum { maximum = x[i] }
            var sumOfExps: Int32 = 0
            for i in 0..<depth {
                let diff = Int32(x[i]) &- Int32(maximum)
                if diff >= diffMin {
                    let e = GemmlowpFixedPoint.expOnNegativeValues(scaledDifference(diff), integerBits: Self.scaledDiffIntegerBits)
                    sumOfExps = sumOfExps &+ FixedPoint.roundingDivideByPOT(e, Int32(Self.accumulationIntegerBits))
                }
            }
            let (shiftedScale, bitsOverUnit) = GemmlowpFixedPoint.reciprocal(sumOfExps, integerBits: Self.accumulationIntegerBits)
            for i in 0..<depth {
                let diff = Int32(x[i]) &- Int32(maximum)
                if diff >= diffMin {
                    let e = GemmlowpFixedPoint.expOnNegativeValues(scaledDifference(diff), integerBits: Self.scaledDiffIntegerBits)
                    let product = FixedPoint.saturatingRoundingDoublingHighMul(shiftedScale, e)
                    let unsaturated = FixedPoint.roundingDivideByPOT(product, Int32(bitsOverUnit + 31 - 8))
                    y[i] = Int8(clamping: unsaturated &- 128)
                } else {
                    y[i] = Int8.min
                }
            }
        }
    }
}

/// The pieces of gemmlowp's `fixedpoint.h` that quantized SOFTMAX uses, on raw Int32 values
/// (`FixedPoint<int32_t, integerBits>`; products of two are `saturatingRoundingDoublingHighMul`,
/// sums wrap as gemmlowp's do).
enum GemmlowpFixedPoint {
    /// `SaturatingRoundingMultiplyByPOT<exponent>` for a positive exponent: a left shift
    /// that saturates.
    @inline(__always)
    static func saturatingShiftLeft(_ x: Int32, _ exponent: Int32) -> Int32 {
        let threshold: Int32 = (1 << (31 - exponent)) - 1
        if x > threshold { return Int32.max }
        if x < -threshold { return Int32.min }
        return x << exponent
    }

    @inline(__always)
    static func mul(_ a: Int32, _ b: Int32) -> Int32 { FixedPoint.saturatingRoundingDoublingHighMul(a, b) }

    /// `exp_on_interval_between_negative_one_quarter_and_0_excl` (Q0.31 in and out).
    static func expOnIntervalNegativeQuarterToZero(_ a: Int32) -> Int32 {
        let constantTerm: Int32 = 1_895_147_668  // exp(-1/8)
        let oneThird: Int32 = 715_827_883
        let x = a &+ (1 << 28)  // a + 1/8
        let x2 = mul(x, x)
        let x3 = mul(x2, x)
        let x4 = mul(x2, x2)
        let x4Over4 = FixedPoint.roundingDivideByPOT(x4, 2)
        let polynomial = FixedPoint.roundingDivideByPOT(mul(x4Over4 &+ x3, oneThird) &+ x2, 1)
        return constantTerm &+ mul(constantTerm, x &+ polynomial)
    }

    /// `exp_on_negative_values` for a `FixedPoint<int32_t, integerBits>` input (integerBits <= 5
    /// here); the result is Q0.31.
    static func expOnNegativeValues(_ a: Int32, integerBits: Int) -> Int32 {
        let fractionalBits = 31 - integerBits
        let oneQuarter: Int32 = 1 << (fractionalBits - 2)
        let mask = oneQuarter &- 1
        let aModQuarterMinusQuarter = (a & mask) &- oneQuarter
        var result = expOnIntervalNegativeQuarterToZero(saturatingShiftLeft(aModQuarterMinusQuarter, Int32(integerBits)))
        let remainder = aModQuarterMinusQuarter &- a
        // exp(-2^exponent) in Q0.31 for exponent -2...4.
        let barrel: [(exponent: Int, multiplier: Int32)] = [
            (-2, 1_672_461_947), (-1, 1_302_514_674), (0, 790_015_084), (1, 290_630_308), (2, 39_332_535), (3, 720_401), (4, 242),
        ]
        for (exponent, multiplier) in barrel where integerBits > exponent {
            let shift = fractionalBits + exponent
            if remainder & (1 << shift) != 0 { result = mul(result, multiplier) }
        }
        return a == 0 ? Int32.max : result
    }

    /// `one_over_one_plus_x_for_x_in_0_1`: Q0.31 in, Q0.31 out (Newton-Raphson in Q2.29).
    static func oneOverOnePlusX(_ a: Int32) -> Int32 {
        // RoundingHalfSum(a, One()).
        let sum = Int64(a) + Int64(Int32.max)
        let halfDenominator = Int32(truncatingIfNeeded: (sum + (sum >= 0 ? 1 : -1)) / 2)
        let constant48Over17: Int32 = 1_515_870_810
        let constantMinus32Over17: Int32 = -1_010_580_540
        var x = constant48Over17 &+ mul(halfDenominator, constantMinus32Over17)
        let one: Int32 = 1 << 29
        for _ in 0..<3 {
            let halfDenominatorTimesX = mul(halfDenominator, x)
            let oneMinus = one &- halfDenominatorTimesX
            x = x &+ saturatingShiftLeft(mul(x, oneMinus), 2)
        }
        return saturatingShiftLeft(x, 1)
    }

    /// `GetReciprocal` (`common.h`): 1 / x for x in Q(integerBits), as a Q0.31 scale and the
    /// number of bits it is shifted by.
    static func reciprocal(_ x: Int32, integerBits: Int) -> (scale: Int32, bitsOverUnit: Int) {
        let headroomPlusOne = UInt32(bitPattern: x).leadingZeroBitCount
        let bitsOverUnit = integerBits - headroomPlusOne
        let shiftedSumMinusOne = Int32(bitPattern: (UInt32(bitPattern: x) << UInt32(headroomPlusOne)) &- (UInt32(1) << 31))
        return (oneOverOnePlusX(shiftedSumMinusOne), bitsOverUnit)
    }
}
