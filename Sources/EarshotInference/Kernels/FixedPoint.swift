/// TFLite's fixed-point requantization arithmetic, as its reference kernels do it
/// (`tensorflow/lite/kernels/internal/common.h`, gemmlowp's fixedpoint.h, and
/// `quantization_util.cc` for turning a real multiplier into a fixed-point one).
///
/// TFLite has two variants of `MultiplyByQuantizedMultiplier`, chosen when it is built:
/// the gemmlowp "double rounding" one (`SaturatingRoundingDoublingHighMul` then
/// `RoundingDivideByPOT`; older TFLite and TFLite Micro) and the "single rounding" one
/// (`TFLITE_SINGLE_ROUNDING`, one 64-bit multiply, add half, shift; the default of current
/// TFLite / LiteRT, and ruy). ``RequantizationRounding`` selects which one kernels use.
enum FixedPoint {
    /// `QuantizeMultiplier`: a real multiplier as a Q31 significand and a power-of-two shift
    /// (positive shifts left), with TFLite's round-half-away-from-zero. Single rounding also
    /// saturates shifts above 30, as TFLite does in that mode.
    static func quantizeMultiplier(_ real: Double, rounding: MultiplierRounding = .single) -> (multiplier: Int32, shift: Int) {
        // Zero, negative or non-finite multipliers come only from corrupt scales; they give a
        // zero multiplier rather than a trap.
        guard real > 0, real.isFinite else { return (0, 0) }
        let frexp = libmFrexp(real)
        var shift = frexp.1
        var qFixed = Int64((frexp.0 * Double(Int64(1) << 31)).rounded(.toNearestOrAwayFromZero))
        if qFixed == Int64(1) << 31 {
            qFixed /= 2
            shift += 1
        }
        if shift < -31 {
            shift = 0
            qFixed = 0
        }
        if rounding == .single && shift > 30 {
            shift = 30
            qFixed = (Int64(1) << 31) - 1
        }
        return (Int32(qFixed), shift)
    }

    /// `SaturatingRoundingDoublingHighMul` (gemmlowp).
    @inline(__always)
    static func saturatingRoundingDoublingHighMul(_ a: Int32, _ b: Int32) -> Int32 {
        if a == b && a == Int32.min { return Int32.max }
        // gemmlowp adds 2^30 (or 1 - 2^30 below zero) and divides by 2^31 truncating toward
        // zero; for negative products that equals flooring (product + 2^30) / 2^31, so one
        // arithmetic shift serves both signs.
        return Int32(truncatingIfNeeded: (Int64(a) &* Int64(b) &+ (1 << 30)) >> 31)
    }

    /// `RoundingDivideByPOT` (gemmlowp): division by 2^exponent, rounding half away from zero.
    @inline(__always)
    static func roundingDivideByPOT(_ x: Int32, _ exponent: Int32) -> Int32 {
        let mask: Int32 = (1 << exponent) &- 1
        let remainder = x & mask
        let threshold = (mask >> 1) &+ (x < 0 ? 1 : 0)
        return (x >> exponent) &+ (remainder > threshold ? 1 : 0)
    }

    /// `MultiplyByQuantizedMultiplier`, double-rounding variant (gemmlowp).
    @inline(__always)
    static func multiplyByQuantizedMultiplierDoubleRounding(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
        let leftShift: Int32 = shift > 0 ? shift : 0
        let rightShift: Int32 = shift > 0 ? 0 : -shift
        return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x &* (1 << leftShift), multiplier), rightShift)
    }

    /// `MultiplyByQuantizedMultiplier`, single-rounding variant (`TFLITE_SINGLE_ROUNDING`):
    /// `(x * multiplier + 2^(30 - shift)) >> (31 - shift)` in 64 bits.
    @inline(__always)
    static func multiplyByQuantizedMultiplierSingleRounding(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
        let totalShift = Int64(31 &- min(max(shift, -31), 30))
        let round = Int64(1) << (totalShift &- 1)
        let result = (Int64(x) &* Int64(multiplier) &+ round) >> totalShift
        return Int32(truncatingIfNeeded: result)
    }

    /// `DepthwiseConvRound<kUpward>` (TFLite's optimized depthwise convolution):
    /// `SaturatingRoundingDoublingHighMul`, then add half and shift right (ties upward).
    @inline(__always)
    static func multiplyByQuantizedMultiplierUpwardRounding(_ x: Int32, _ multiplier: Int32, _ shift: Int32) -> Int32 {
        let leftShift: Int32 = shift > 0 ? shift : 0
        let rightShift: Int32 = shift > 0 ? 0 : -shift
        // vqrdmulh: ties of the high multiply round upward too.
        let high = Int32(truncatingIfNeeded: (Int64(x &* (1 << leftShift)) &* Int64(multiplier) &+ (1 << 30)) &>> 31)
        let offset: Int32 = rightShift > 0 ? 1 &<< (rightShift &- 1) : 0
        return (high &+ offset) &>> rightShift
    }

    /// `MultiplyByQuantizedMultiplier` in the given variant.
    @inline(__always)
    static func multiplyByQuantizedMultiplier(
        _ x: Int32, _ multiplier: Int32, _ shift: Int32, _ rounding: MultiplierRounding
    ) -> Int32 {
        switch rounding {
        case .single: multiplyByQuantizedMultiplierSingleRounding(x, multiplier, shift)
        case .double: multiplyByQuantizedMultiplierDoubleRounding(x, multiplier, shift)
        case .upward, .upwardInGroupsOfEight: multiplyByQuantizedMultiplierUpwardRounding(x, multiplier, shift)
        }
    }

    /// `CalculateActivationRangeQuantized` for an output with `scale` and `zeroPoint`, clamped
    /// to the type's range `[qmin, qmax]`.
    static func activationRange(
        _ activation: FusedActivation, scale: Float, zeroPoint: Int32, qmin: Int32, qmax: Int32
    ) -> (min: Int32, max: Int32) {
        func quantize(_ f: Float) -> Int32 {
            let q = (f / scale).rounded(.toNearestOrAwayFromZero)
            // A corrupt (zero or tiny) scale saturates instead of trapping.
            let clamped = q.isNaN ? 0 : max(min(q, 2_000_000_000), -2_000_000_000)
            return zeroPoint &+ Int32(clamped)
        }
        switch activation {
        case .relu: return (max(qmin, quantize(0)), qmax)
        case .relu6: return (max(qmin, quantize(0)), min(qmax, quantize(6)))
        case .reluN1To1: return (max(qmin, quantize(-1)), min(qmax, quantize(1)))
        default: return (qmin, qmax)
        }
    }

    /// `CalculateActivationRange` for float outputs.
    static func activationRange(_ activation: FusedActivation) -> (min: Float, max: Float) {
        switch activation {
        case .relu: return (0, .greatestFiniteMagnitude)
        case .relu6: return (0, 6)
        case .reluN1To1: return (-1, 1)
        default: return (-.greatestFiniteMagnitude, .greatestFiniteMagnitude)
        }
    }
}
