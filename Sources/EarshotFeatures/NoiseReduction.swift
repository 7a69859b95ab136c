/// TFLM's stationary-noise reduction: a per-channel low-pass estimate of the noise floor
/// (smoothing 0.025 on even channels, 0.06 on odd ones by default, in Q14) is subtracted
/// from each channel, never leaving less than `minSignalRemaining` of the value.
final class NoiseReduction {
    /// Fractional bits of the smoothing factors (TFLM `kNoiseReductionBits`).
    static let bits = 14

    let channelCount: Int
    let smoothingBits: UInt32
    let evenSmoothing: UInt32
    let oddSmoothing: UInt32
    let minSignalRemaining: UInt32
    /// The noise estimate per channel, `smoothingBits` fractional bits; PCAN reads it.
    let estimate: UnsafeMutablePointer<UInt32>

    init(configuration: FrontendConfiguration.NoiseReduction, channelCount: Int) throws(FrontendConfigurationError) {
        guard (0...31).contains(configuration.smoothingBits) else {
            throw FrontendConfigurationError(
                .noiseReduction, "smoothingBits is \(configuration.smoothingBits); it must be in 0...31")
        }
        for (name, value) in [
            ("evenSmoothing", configuration.evenSmoothing), ("oddSmoothing", configuration.oddSmoothing),
            ("minSignalRemaining", configuration.minSignalRemaining),
        ] where !(value >= 0 && value <= 1) {
            throw FrontendConfigurationError(.noiseReduction, "\(name) is \(value); it must be in 0...1")
        }
        self.channelCount = channelCount
        smoothingBits = UInt32(configuration.smoothingBits)
        // TFLM converts float * 2^14 to uint16 by truncation.
        let one = Float(1 << Self.bits)
        evenSmoothing = UInt32(UInt16(configuration.evenSmoothing * one))
        oddSmoothing = UInt32(UInt16(configuration.oddSmoothing * one))
        minSignalRemaining = UInt32(UInt16(configuration.minSignalRemaining * one))
        estimate = .allocate(capacity: channelCount)
        estimate.initialize(repeating: 0, count: channelCount)
    }

    deinit { estimate.deallocate() }

    /// Forgets the noise estimate.
    func reset() { estimate.update(repeating: 0, count: channelCount) }

    /// Updates the estimate with `signal` and replaces `signal` by the noise-reduced values.
    @inline(__always)
    func apply(_ signal: UnsafeMutablePointer<UInt32>) {
        let estimate = self.estimate
        let shift = smoothingBits
        let one: UInt64 = 1 << UInt64(Self.bits)
        for channel in 0..<channelCount {
            let smoothing = UInt64(channel & 1 == 0 ? evenSmoothing : oddSmoothing)
            let value = signal[channel]
            let scaledUp = value &<< shift
            var newEstimate = UInt32(
                truncatingIfNeeded: (UInt64(scaledUp) &* smoothing &+ UInt64(estimate[channel]) &* (one &- smoothing))
                    &>> UInt64(Self.bits))
            estimate[channel] = newEstimate
            if newEstimate > scaledUp { newEstimate = scaledUp }
            let floor = UInt32(truncatingIfNeeded: (UInt64(value) &* UInt64(minSignalRemaining)) &>> UInt64(Self.bits))
            let subtracted = (scaledUp &- newEstimate) &>> shift
            signal[channel] = subtracted > floor ? subtracted : floor
        }
    }
}
