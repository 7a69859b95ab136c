/// TFLM's fixed-point natural logarithm (`LogScaleApply`): log2 by leading-bit position plus
/// a 128-segment piecewise-linear correction of the fraction, converted to ln with
/// `kLogCoeff` = 45426 (ln 2 in Q16) and scaled by `2^scaleShift`; results clamp to 16 bits.
struct LogScale {
    /// Fractional bits of the log2 computation (TFLM `kLogScaleLog2`).
    static let scaleBits: UInt32 = 16
    /// log2 of the number of correction segments (TFLM `kLogSegmentsLog2`).
    static let segmentBits: UInt32 = 7
    /// ln(2) in Q16 (TFLM `kLogCoeff`).
    static let lnTwo: UInt64 = 45_426

    /// TFLM's `kLogLut`: the correction `log2(1 + f) - f` in Q16 at the 129 segment
    /// boundaries f = i / 128 (plus one entry of padding). Data, not code: these are the
    /// reference's constants and must stay exactly as they are.
    static let correctionTable: [UInt16] = [
        0, 224, 442, 654, 861, 1063, 1259, 1450, 1636, 1817, 1992, 2163, 2329,
        2490, 2646, 2797, 2944, 3087, 3224, 3358, 3487, 3611, 3732, 3848, 3960, 4068,
        4172, 4272, 4368, 4460, 4549, 4633, 4714, 4791, 4864, 4934, 5001, 5063, 5123,
        5178, 5231, 5280, 5326, 5368, 5408, 5444, 5477, 5507, 5533, 5557, 5578, 5595,
        5610, 5622, 5631, 5637, 5640, 5641, 5638, 5633, 5626, 5615, 5602, 5586, 5568,
        5547, 5524, 5498, 5470, 5439, 5406, 5370, 5332, 5291, 5249, 5203, 5156, 5106,
        5054, 5000, 4944, 4885, 4825, 4762, 4697, 4630, 4561, 4490, 4416, 4341, 4264,
        4184, 4103, 4020, 3935, 3848, 3759, 3668, 3575, 3481, 3384, 3286, 3186, 3084,
        2981, 2875, 2768, 2659, 2549, 2437, 2323, 2207, 2090, 1971, 1851, 1729, 1605,
        1480, 1353, 1224, 1094, 963, 830, 695, 559, 421, 282, 142, 0, 0,
    ]

    let isEnabled: Bool
    let scaleShift: UInt32

    init(configuration: FrontendConfiguration.LogScale) throws(FrontendConfigurationError) {
        guard (0...16).contains(configuration.scaleShift) else {
            throw FrontendConfigurationError(
                .logScale, "scaleShift is \(configuration.scaleShift); it must be in 0...16")
        }
        isEnabled = configuration.isEnabled
        scaleShift = UInt32(configuration.scaleShift)
    }

    /// The fraction of log2(x) in Q16, given `log2x` = floor(log2(x)).
    @inline(__always)
    static func log2Fraction(_ x: UInt32, _ log2x: UInt32, _ table: UnsafePointer<UInt16>) -> UInt32 {
        var fraction = Int32(truncatingIfNeeded: Int64(x) &- (Int64(1) &<< Int64(log2x)))
        if log2x < scaleBits {
            fraction = fraction &<< Int32(scaleBits &- log2x)
        } else {
            fraction = fraction &>> Int32(log2x &- scaleBits)
        }
        let segment = Int(UInt32(bitPattern: fraction) &>> (scaleBits &- segmentBits))
        let segmentUnit = Int32((UInt32(1) << scaleBits) >> segmentBits)
        let c0 = Int32(table[segment])
        let c1 = Int32(table[segment &+ 1])
        let segmentBase = segmentUnit &* Int32(segment)
        let relative = ((c1 &- c0) &* (fraction &- segmentBase)) &>> Int32(scaleBits)
        return UInt32(bitPattern: fraction &+ c0 &+ relative)
    }

    /// ln(x) * 2^scaleShift, rounded, for x > 1.
    @inline(__always)
    static func log(_ x: UInt32, scaleShift: UInt32, table: UnsafePointer<UInt16>) -> UInt32 {
        let integer = UInt32(31 &- x.leadingZeroBitCount)
        let fraction = log2Fraction(x, integer, table)
        let log2 = (integer &<< scaleBits) &+ fraction
        let round: UInt32 = 1 << (scaleBits - 1)
        let loge = UInt32(truncatingIfNeeded: (lnTwo &* UInt64(log2) &+ UInt64(round)) &>> UInt64(scaleBits))
        return ((loge &<< scaleShift) &+ round) &>> scaleBits
    }

    /// Converts `count` channel values to the 16-bit output. `correctionBits` undoes the
    /// FFT's gain (`log2(fft size) - 1 - 6`; negative shifts right).
    @inline(__always)
    func apply(
        _ signal: UnsafePointer<UInt32>, count: Int, correctionBits: Int, into output: UnsafeMutablePointer<UInt16>
    ) {
        Self.correctionTable.withUnsafeBufferPointer { lookup in
            let table = lookup.baseAddress!
            for i in 0..<count {
                var value = signal[i]
                if isEnabled {
                    if correctionBits < 0 {
                        value = value &>> UInt32(0 &- correctionBits)
                    } else {
                        value = value &<< UInt32(correctionBits)
                    }
                    value = value > 1 ? Self.log(value, scaleShift: scaleShift, table: table) : 0
                }
                output[i] = value < 0xFFFF ? UInt16(truncatingIfNeeded: value) : 0xFFFF
            }
        }
    }
}
