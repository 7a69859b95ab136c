/// The TFLM mel filterbank: triangular filters on the FFT's power spectrum, accumulated in
/// 64-bit integers and reduced with a rounded integer square root.
///
/// The `channelCount + 1` filter edges are spaced evenly on the mel scale
/// (`1127 ln(1 + f / 700)`, single precision). Every FFT bin from the first one above the
/// lower band limit up to the last edge belongs to exactly one filter band; it adds
/// `weight * energy` to its own band and `(1 - weight) * energy` to the next one, with the
/// weights quantized to Q12 as `FilterbankPopulateState` does. The zero padding TFLM adds
/// for its aligned inner loop multiplies by zero weights and is left out: the sums are equal.
final class MelFilterbank {
    /// Fractional bits of the weights (TFLM `kFilterbankBits`).
    static let weightBits = 12

    /// Number of output channels.
    let channelCount: Int
    /// First FFT bin that takes part (DC is always excluded).
    let startBin: Int
    /// One past the last FFT bin that takes part.
    let endBin: Int
    /// The channel values of the last frame, after the square root and scaling.
    let output: UnsafeMutablePointer<UInt32>

    /// For band b (0...channelCount), the first bin of the band; the band ends where band
    /// b + 1 begins, band `channelCount` ends at `endBin`.
    private let bandFirstBin: UnsafeMutablePointer<Int>
    /// Per bin, the weight and complementary weight, sign-extended as TFLM's
    /// `int16 * (uint64)` product does.
    private let weights: UnsafeMutablePointer<UInt64>
    private let unweights: UnsafeMutablePointer<UInt64>
    /// Per bin, the energy of the current frame, sign-extended from its 32-bit value.
    private let energy: UnsafeMutablePointer<UInt64>

    /// Builds the filterbank for a spectrum of `spectrumSize` bins (FFT size / 2 + 1).
    init(configuration: FrontendConfiguration, spectrumSize: Int) throws(FrontendConfigurationError) {
        let channels = configuration.channelCount
        let lower = configuration.lowerBandLimit
        let upper = configuration.upperBandLimit
        guard channels >= 1 else {
            throw FrontendConfigurationError(.filterbank, "channelCount is \(channels); it must be at least 1")
        }
        guard lower >= 0, upper > lower, upper.isFinite else {
            throw FrontendConfigurationError(
                .filterbank, "band limits \(lower)–\(upper) Hz: need 0 <= lowerBandLimit < upperBandLimit")
        }
        channelCount = channels
        let bands = channels + 1

        func melOf(_ frequency: Float) -> Float { 1127 * libmLog1pf(frequency / 700) }

        // Band edges: CalculateCenterFrequencies over channelCount + 1 bands.
        let melLow = melOf(lower)
        let melSpacing = (melOf(upper) - melLow) / Float(bands)
        let centers = (0..<bands).map { melLow + melSpacing * Float($0 + 1) }

        let hzPerBin = 0.5 * Float(configuration.sampleRate) / (Float(spectrumSize) - 1)
        let start = Int(1.5 + lower / hzPerBin)
        guard start < spectrumSize else {
            throw FrontendConfigurationError(
                .filterbank, "lowerBandLimit \(lower) Hz is at or above the Nyquist frequency")
        }
        startBin = start

        var firstBins = [Int](repeating: 0, count: bands)
        var bin = start
        for band in 0..<bands {
            firstBins[band] = bin
            while bin <= spectrumSize && melOf(Float(bin) * hzPerBin) <= centers[band] {
                bin += 1
            }
        }
        endBin = bin
        guard endBin < spectrumSize else {
            throw FrontendConfigurationError(
                .filterbank,
                "upperBandLimit \(upper) Hz needs FFT bins up to \(endBin), beyond the \(spectrumSize) bins "
                    + "of a \(configuration.windowSampleCount)-sample window at \(configuration.sampleRate) Hz")
        }

        bandFirstBin = .allocate(capacity: bands + 1)
        for band in 0..<bands { bandFirstBin[band] = firstBins[band] }
        bandFirstBin[bands] = endBin

        weights = .allocate(capacity: max(endBin, 1))
        unweights = .allocate(capacity: max(endBin, 1))
        energy = .allocate(capacity: max(endBin, 1))
        weights.initialize(repeating: 0, count: max(endBin, 1))
        unweights.initialize(repeating: 0, count: max(endBin, 1))
        energy.initialize(repeating: 0, count: max(endBin, 1))
        output = .allocate(capacity: channels)
        output.initialize(repeating: 0, count: channels)

        let scale = Float(1 << Self.weightBits)
        for band in 0..<bands {
            let previous = band == 0 ? melLow : centers[band - 1]
            for bin in firstBins[band]..<bandFirstBin[band + 1] {
                let weight = (centers[band] - melOf(Float(bin) * hzPerBin)) / (centers[band] - previous)
                let quantized = libmFloorf(weight * scale + 0.5)
                let quantizedComplement = libmFloorf((1 - weight) * scale + 0.5)
                guard let w = Int16(exactly: quantized), let u = Int16(exactly: quantizedComplement) else {
                    throw FrontendConfigurationError(.filterbank, "filter weight \(weight) at bin \(bin) out of range")
                }
                weights[bin] = UInt64(bitPattern: Int64(w))
                unweights[bin] = UInt64(bitPattern: Int64(u))
            }
        }
    }

    deinit {
        output.deallocate()
        bandFirstBin.deallocate()
        weights.deallocate()
        unweights.deallocate()
        energy.deallocate()
    }

    /// Computes the channel values of one frame from the FFT bins into ``output``:
    /// 32-bit squared magnitudes, weighted 64-bit sums, rounded square roots shifted right
    /// by `scaleDownShift` (the FFT input's normalization shift).
    @inline(__always)
    func apply(real: UnsafePointer<Int16>, imag: UnsafePointer<Int16>, scaleDownShift: Int) {
        let energy = self.energy
        for bin in startBin..<endBin {
            let r = Int32(real[bin]), i = Int32(imag[bin])
            // TFLM stores the sum in an int32 and widens it with sign extension.
            let squared = r &* r &+ i &* i
            energy[bin] = UInt64(bitPattern: Int64(squared))
        }

        let weights = self.weights, unweights = self.unweights
        let firstBin = bandFirstBin, output = self.output
        var carried: UInt64 = 0
        for band in 0...channelCount {
            var weighted = carried
            var unweighted: UInt64 = 0
            for bin in firstBin[band]..<firstBin[band &+ 1] {
                let e = energy[bin]
                weighted &+= weights[bin] &* e
                unweighted &+= unweights[bin] &* e
            }
            if band > 0 {
                output[band &- 1] = Self.roundedSquareRoot(weighted) &>> UInt32(scaleDownShift)
            }
            carried = unweighted
        }
    }

    /// TFLM's `Sqrt64`: the square root rounded to nearest (`floor(√x)`, plus one when the
    /// remainder exceeds it), with its shortcut through the 32-bit version (which never
    /// rounds 0xFFFF up) when the upper word is clear.
    ///
    /// TFLM finds the floor root bit by bit; here a double-precision estimate is corrected
    /// to the exact floor root with integer checks, which gives the same integer.
    @inline(__always)
    static func roundedSquareRoot(_ x: UInt64) -> UInt32 {
        if x &>> 32 == 0 {
            let value = UInt32(truncatingIfNeeded: x)
            var root = UInt32(libmSqrt(Double(value)))
            if root > 0xFFFF { root = 0xFFFF }
            while root &* root > value { root &-= 1 }
            while root < 0xFFFF && (root &+ 1) &* (root &+ 1) <= value { root &+= 1 }
            if value &- root &* root > root && root != 0xFFFF { root &+= 1 }
            return root
        }
        var root = UInt64(libmSqrt(Double(x)))
        if root > 0xFFFF_FFFF { root = 0xFFFF_FFFF }
        while root &* root > x { root &-= 1 }
        while root < 0xFFFF_FFFF && (root &+ 1) &* (root &+ 1) <= x { root &+= 1 }
        if x &- root &* root > root && root != 0xFFFF_FFFF { root &+= 1 }
        return UInt32(truncatingIfNeeded: root)
    }
}
