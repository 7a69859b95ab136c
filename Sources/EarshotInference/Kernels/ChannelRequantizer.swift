/// Requantizes per-channel int32 accumulators to int8 (`MultiplyByQuantizedMultiplier`, add
/// the output zero point, clamp), with everything that depends only on the channel worked
/// out at load: the left-shift factor, the right shift, its rounding mask. One tight loop
/// per rounding variant, no branch on the variant per element.
///
/// The multipliers come from ``FixedPoint/quantizeMultiplier(_:rounding:)``, so they lie in
/// [0, 2^31 - 1] and the one saturating case of `SaturatingRoundingDoublingHighMul`
/// (both operands `Int32.min`) cannot occur.
final class ChannelRequantizer {
    let count: Int
    let rounding: MultiplierRounding
    let multipliers: KernelBuffer<Int32>
    /// Double rounding: `1 << max(shift, 0)`; single rounding: unused.
    let leftFactors: KernelBuffer<Int32>
    /// Double rounding: `max(-shift, 0)`; single rounding: `31 - shift`.
    let rightShifts: KernelBuffer<Int32>
    let zeroPoint: Int32
    let minimum: Int32
    let maximum: Int32

    init(multipliers: [Int32], shifts: [Int32], rounding: MultiplierRounding, zeroPoint: Int32, range: (min: Int32, max: Int32)) {
        count = multipliers.count
        self.rounding = rounding
        self.multipliers = KernelBuffer(multipliers)
        if rounding == .single {
            leftFactors = KernelBuffer(repeating: 1, count: count)
            rightShifts = KernelBuffer(shifts.map { 31 &- min(max($0, -31), 30) })
        } else {
            // The same (smart) shifts FixedPoint.multiplyByQuantizedMultiplierDoubleRounding (and
            // the upward variant) use.
            leftFactors = KernelBuffer(shifts.map { $0 > 0 ? Int32(1) << $0 : 1 })
            rightShifts = KernelBuffer(shifts.map { $0 > 0 ? 0 : 0 &- $0 })
        }
        self.zeroPoint = zeroPoint
        minimum = range.min
        maximum = range.max
    }

    /// `out[c] = clamp(MBQM(acc[c] (+ bias[c]), ...) + zeroPoint)` for every channel.
    @inline(__always)
    func requantize(_ acc: UnsafePointer<Int32>, bias: UnsafePointer<Int32>?, into out: UnsafeMutablePointer<Int8>) {
        if let bias {
            run(acc, bias, out)
        } else {
            run(acc, nil, out)
        }
    }

    // Shift amounts are in 0...31 here (QuantizeMultiplier keeps shifts >= -31 and single
    // rounding clamps to 1...62 for 64-bit values), so masking shifts equal the smart ones.
    @inline(__always)
    private func run(_ acc: UnsafePointer<Int32>, _ bias: UnsafePointer<Int32>?, _ out: UnsafeMutablePointer<Int8>) {
        let m = multipliers.pointer
        let left = leftFactors.pointer
        let right = rightShifts.pointer
        let (zeroPoint, minimum, maximum) = (self.zeroPoint, self.minimum, self.maximum)
        if rounding == .single {
            for c in 0..<count {
                let x = bias == nil ? acc[c] : acc[c] &+ bias.unsafelyUnwrapped[c]
                let total = Int64(right[c])
                let scaled = (Int64(x) &* Int64(m[c]) &+ (Int64(1) &<< (total &- 1))) &>> total
                let y = Int32(truncatingIfNeeded: scaled) &+ zeroPoint
                out[c] = Int8(truncatingIfNeeded: min(max(y, minimum), maximum))
            }
        } else if rounding == .upward || rounding == .upwardInGroupsOfEight {
            // TFLite's optimized `Quantize` (NEON, or SSE through NEON_2_SSE): channels in
            // groups of eight get vqrdmulh and a rounding shift (ties upward); the leftover
            // channels go one by one through MultiplyByQuantizedMultiplier (ties away).
            let vectorized = rounding == .upward ? count : count & ~7
            for c in 0..<vectorized {
                let x = bias == nil ? acc[c] : acc[c] &+ bias.unsafelyUnwrapped[c]
                let a = x &* left[c]
                let high = Int32(truncatingIfNeeded: (Int64(a) &* Int64(m[c]) &+ (1 << 30)) &>> 31)
                let shift = right[c]
                let offset: Int32 = shift > 0 ? 1 &<< (shift &- 1) : 0
                let y = ((high &+ offset) &>> shift) &+ zeroPoint
                out[c] = Int8(truncatingIfNeeded: min(max(y, minimum), maximum))
            }
            runDouble(acc, bias, out, channels: vectorized..<count)
        } else {
            runDouble(acc, bias, out, channels: 0..<count)
        }
    }

    /// Double rounding (`SaturatingRoundingDoublingHighMul`, then `RoundingDivideByPOT`) for
    /// the channels in `channels`.
    @inline(__always)
    private func runDouble(
        _ acc: UnsafePointer<Int32>, _ bias: UnsafePointer<Int32>?, _ out: UnsafeMutablePointer<Int8>, channels: Range<Int>
    ) {
        let m = multipliers.pointer
        let left = leftFactors.pointer
        let right = rightShifts.pointer
        let (zeroPoint, minimum, maximum) = (self.zeroPoint, self.minimum, self.maximum)
        for c in channels {
            let x = bias == nil ? acc[c] : acc[c] &+ bias.unsafelyUnwrapped[c]
            let a = x &* left[c]
            // SaturatingRoundingDoublingHighMul (see FixedPoint for the one-shift form).
            let high = Int32(truncatingIfNeeded: (Int64(a) &* Int64(m[c]) &+ (1 << 30)) &>> 31)
            // RoundingDivideByPOT.
            let shift = right[c]
            let mask: Int32 = (1 &<< shift) &- 1
            let remainder = high & mask
            let threshold = (mask &>> 1) &+ Int32(bitPattern: UInt32(bitPattern: high) &>> 31)
            let y = (high &>> shift) &+ (remainder > threshold ? 1 : 0) &+ zeroPoint
            out[c] = Int8(truncatingIfNeeded: min(max(y, minimum), maximum))
        }
    }
}
