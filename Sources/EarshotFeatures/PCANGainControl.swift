/// TFLM's per-channel amplitude normalization (PCAN, https://research.google/pubs/pub45911):
/// each channel is multiplied by a gain `2^gainBits * (noise + offset)^-strength` read from a
/// piecewise-quadratic lookup table over the noise estimate, then compressed by `PcanShrink`.
final class PCANGainControl {
    /// Bits of the signal-to-noise ratio's fraction (TFLM `kPcanSnrBits`).
    static let snrBits = 12
    /// Fractional bits of the output (TFLM `kPcanOutputBits`).
    static let outputBits = 6
    /// Segments of the wide-dynamic-range function, one per bit of a 32-bit input.
    static let functionBits = 32
    /// Entries of the table: entries 0 and 1 for inputs 0 and 1, then four per segment
    /// starting at `4 * interval - 6` (value, linear and quadratic coefficient, unused).
    static let tableSize = 4 * functionBits - 3

    let channelCount: Int
    /// The gain table, built once.
    let table: UnsafeMutablePointer<Int16>
    let snrShift: UInt64

    /// Builds the table as `PcanGainControlPopulateState` does.
    /// - Parameters:
    ///   - smoothingBits: fractional bits of the noise estimate (noise reduction's).
    ///   - inputCorrectionBits: `log2(fft size) - 1 - 6`.
    init(
        configuration: FrontendConfiguration.GainControl, channelCount: Int, smoothingBits: Int,
        inputCorrectionBits: Int
    ) throws(FrontendConfigurationError) {
        let snrShift = configuration.gainBits - inputCorrectionBits - Self.snrBits
        let inputBits = smoothingBits - inputCorrectionBits
        guard (0...31).contains(configuration.gainBits), (0...63).contains(snrShift) else {
            throw FrontendConfigurationError(
                .gainControl,
                "gainBits is \(configuration.gainBits); with this FFT size it must be in "
                    + "\(inputCorrectionBits + Self.snrBits)...31")
        }
        guard (0...31).contains(inputBits) else {
            throw FrontendConfigurationError(
                .gainControl, "noise smoothingBits \(smoothingBits) is too small for this FFT size")
        }
        guard configuration.strength.isFinite, configuration.offset.isFinite else {
            throw FrontendConfigurationError(.gainControl, "strength and offset must be finite")
        }
        self.channelCount = channelCount
        self.snrShift = UInt64(snrShift)
        table = .allocate(capacity: Self.tableSize)
        table.initialize(repeating: 0, count: Self.tableSize)

        func gain(_ x: UInt32) -> Int16 {
            let xAsFloat = Float(x) / Float(UInt32(1) << UInt32(inputBits))
            let gain =
                Float(UInt32(1) << UInt32(configuration.gainBits))
                * libmPowf(xAsFloat + configuration.offset, -configuration.strength)
            if gain > 32_767 { return 32_767 }
            if !(gain > -32_768.5) { return -32_768 }  // unreachable for sane parameters
            return Int16(gain + 0.5)
        }

        table[0] = gain(0)
        table[1] = gain(1)
        for interval in 2...Self.functionBits {
            let x0 = UInt32(1) << UInt32(interval - 1)
            let x1 = x0 + (x0 >> 1)
            let x2 = interval == Self.functionBits ? x0 + (x0 - 1) : 2 * x0
            let y0 = gain(x0), y1 = gain(x1), y2 = gain(x2)
            let diff1 = Int32(y1) - Int32(y0)
            let diff2 = Int32(y2) - Int32(y0)
            let a1 = 4 * diff1 - diff2
            let a2 = diff2 - a1
            let base = 4 * interval - 6
            table[base] = y0
            table[base + 1] = Int16(truncatingIfNeeded: a1)
            table[base + 2] = Int16(truncatingIfNeeded: a2)
        }
    }

    deinit { table.deallocate() }

    /// TFLM's `WideDynamicFunction`: the gain for noise estimate `x`.
    @inline(__always)
    static func gain(for x: UInt32, table: UnsafePointer<Int16>) -> Int16 {
        if x <= 2 { return table[Int(x)] }
        let interval = 32 &- x.leadingZeroBitCount
        let segment = table + (4 &* interval &- 6)
        let aligned = interval < 11 ? x &<< UInt32(11 &- interval) : x &>> UInt32(interval &- 11)
        let fraction = Int32(aligned & 0x3FF)
        var result = (Int32(segment[2]) &* fraction) &>> 5
        result &+= Int32(bitPattern: UInt32(bitPattern: Int32(segment[1])) &<< 5)
        result = result &* fraction
        result = (result &+ (1 << 14)) &>> 15
        result &+= Int32(segment[0])
        return Int16(truncatingIfNeeded: result)
    }

    /// TFLM's `PcanShrink`: quadratic below 2.0 (Q12), linear minus one above.
    @inline(__always)
    static func shrink(_ x: UInt32) -> UInt32 {
        if x < UInt32(2 << snrBits) {
            return (x &* x) &>> UInt32(2 + 2 * snrBits - outputBits)
        }
        return (x &>> UInt32(snrBits - outputBits)) &- UInt32(1 << outputBits)
    }

    /// Normalizes `signal` in place by the gain for each channel's `noiseEstimate`.
    @inline(__always)
    func apply(_ signal: UnsafeMutablePointer<UInt32>, noiseEstimate: UnsafePointer<UInt32>) {
        let table = UnsafePointer(self.table)
        let shift = snrShift
        for channel in 0..<channelCount {
            // int16 -> uint32 sign-extends, as in C.
            let gain = UInt32(bitPattern: Int32(Self.gain(for: noiseEstimate[channel], table: table)))
            let snr = UInt32(truncatingIfNeeded: (UInt64(signal[channel]) &* UInt64(gain)) &>> shift)
            signal[channel] = Self.shrink(snr)
        }
    }
}
