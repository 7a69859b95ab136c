/// The analysis window of the TFLM frontend: a periodic-style Hann window
/// `0.5 - 0.5 * cos(2π (i + 0.5) / size)` in Q12, computed in single precision and
/// rounded with `floor(x * 4096 + 0.5)` exactly as `WindowPopulateState` does.
final class HannWindow {
    /// Fractional bits of the coefficients (TFLM `kFrontendWindowBits`).
    static let coefficientBits = 12

    /// Number of coefficients, the window length in samples.
    let size: Int
    /// The Q12 coefficients.
    let coefficients: UnsafeMutablePointer<Int16>

    /// Builds the window for `size` samples.
    init(size: Int) {
        self.size = size
        coefficients = .allocate(capacity: size)
        // (float)M_PI rounds to nearest; Swift's Float.pi is rounded toward zero, one ulp lower.
        let arg = Float(Double.pi) * 2 / Float(size)
        for i in 0..<size {
            let value = 0.5 - 0.5 * libmCosf(arg * (Float(i) + 0.5))
            coefficients[i] = Int16(libmFloorf(value * Float(1 << Self.coefficientBits) + 0.5))
        }
    }

    deinit { coefficients.deallocate() }

    /// Multiplies `size` samples by the window into `output` (Q12 product shifted back,
    /// stored to 16 bits) and returns the largest magnitude seen, with TFLM's 16-bit
    /// quirk: an output of -32768 negates to itself and never counts as the maximum.
    @inline(__always)
    func apply(_ input: UnsafePointer<Int16>, into output: UnsafeMutablePointer<Int16>) -> Int16 {
        let coefficients = self.coefficients
        var maxMagnitude: Int16 = 0
        for i in 0..<size {
            let value = Int16(truncatingIfNeeded: (Int32(input[i]) &* Int32(coefficients[i])) &>> 12)
            output[i] = value
            let magnitude = value < 0 ? 0 &- value : value
            if magnitude > maxMagnitude { maxMagnitude = magnitude }
        }
        return maxMagnitude
    }
}
