/// The streaming speech-feature frontend: 16-bit mono samples in, one frame of
/// ``FrontendConfiguration/channelCount`` log-mel values out per step.
///
/// It reproduces the TensorFlow Lite Micro audio frontend bit for bit: Hann window, 16-bit
/// fixed-point kissfft, mel filterbank, noise reduction, PCAN gain control and log scale,
/// with every shift, rounding and 16/32/64-bit wrap of the C code. With
/// ``FrontendConfiguration/microWakeWord`` the ``FeatureFrame/values`` equal what
/// `pymicro-features` 2.0.2 computes internally and the ``FeatureFrame/features`` equal the
/// floats it returns.
///
/// Feed samples in chunks of any size; the frontend keeps the unfinished window between
/// calls, so the frames do not depend on how the audio was cut. The first frame comes
/// once a whole window (480 samples by default) has arrived, then one per step (160).
/// All buffers are allocated at init; processing allocates nothing.
///
/// ```swift
/// let frontend = try FeatureFrontend(configuration: .microWakeWord)
/// frontend.process(chunk) { frame in
///     model.push(frame.features)   // 40 floats, valid inside the closure
/// }
/// ```
///
/// A frontend is mutable state and not `Sendable`: use one per stream, from one task at a time.
public final class FeatureFrontend {
    /// The parameters the frontend was built with.
    public let configuration: FrontendConfiguration
    /// Values per frame.
    public let channelCount: Int
    /// Samples per analysis window.
    public let windowSampleCount: Int
    /// Samples per step.
    public let stepSampleCount: Int

    /// Frames emitted since init or the last ``reset()``.
    public private(set) var frameCount = 0
    /// Samples received but not yet consumed by a frame: at most one window's worth.
    public var bufferedSampleCount: Int { inputUsed }

    private var inputUsed = 0
    private let input: UnsafeMutablePointer<Int16>
    /// The windowed samples, zero-padded to the FFT size.
    private let windowed: UnsafeMutablePointer<Int16>
    private let fftSize: Int
    private let rawOutput: UnsafeMutablePointer<UInt16>
    private let floatOutput: UnsafeMutablePointer<Float>
    private let featureScale: Float
    private let logCorrectionBits: Int

    private let window: HannWindow
    private let fft: FixedPointRealFFT
    private let filterbank: MelFilterbank
    private let noiseReduction: NoiseReduction
    private let gainControl: PCANGainControl?
    private let logScale: LogScale

    /// Builds a frontend and all its tables.
    /// - Parameter configuration: the parameters; ``FrontendConfiguration/microWakeWord``
    ///   reproduces `pymicro-features`.
    /// - Throws: ``FrontendConfigurationError`` naming the parameter that cannot work.
    public init(configuration: FrontendConfiguration = .microWakeWord) throws(FrontendConfigurationError) {
        let windowSize = configuration.windowSampleCount
        let step = configuration.stepSampleCount
        guard configuration.sampleRate > 0, windowSize >= 3, windowSize <= 1 << 16 else {
            throw FrontendConfigurationError(
                .framing,
                "a \(configuration.windowDurationMilliseconds) ms window at \(configuration.sampleRate) Hz is "
                    + "\(windowSize) samples; it must be 3...65536")
        }
        guard step >= 1, step <= windowSize else {
            throw FrontendConfigurationError(
                .framing,
                "a \(configuration.stepDurationMilliseconds) ms step is \(step) samples; it must be 1...\(windowSize)")
        }
        guard configuration.featureScale.isFinite else {
            throw FrontendConfigurationError(.framing, "featureScale must be finite")
        }
        var fftSize = 1
        while fftSize < windowSize { fftSize <<= 1 }

        self.configuration = configuration
        channelCount = configuration.channelCount
        windowSampleCount = windowSize
        stepSampleCount = step
        featureScale = configuration.featureScale

        filterbank = try MelFilterbank(configuration: configuration, spectrumSize: fftSize / 2 + 1)
        noiseReduction = try NoiseReduction(configuration: configuration.noiseReduction, channelCount: channelCount)
        // log2(fft size) - 1 - kFilterbankBits / 2, as FrontendPopulateState computes it.
        let correctionBits = (Int.bitWidth - fftSize.leadingZeroBitCount) - 1 - MelFilterbank.weightBits / 2
        logCorrectionBits = correctionBits
        gainControl =
            configuration.gainControl.isEnabled
            ? try PCANGainControl(
                configuration: configuration.gainControl, channelCount: channelCount,
                smoothingBits: configuration.noiseReduction.smoothingBits, inputCorrectionBits: correctionBits)
            : nil
        logScale = try LogScale(configuration: configuration.logScale)
        window = HannWindow(size: windowSize)
        fft = FixedPointRealFFT(size: fftSize)

        input = .allocate(capacity: windowSize)
        input.initialize(repeating: 0, count: windowSize)
        self.fftSize = fftSize
        windowed = .allocate(capacity: fftSize)
        windowed.initialize(repeating: 0, count: fftSize)
        rawOutput = .allocate(capacity: channelCount)
        rawOutput.initialize(repeating: 0, count: channelCount)
        floatOutput = .allocate(capacity: channelCount)
        floatOutput.initialize(repeating: 0, count: channelCount)
    }

    deinit {
        input.deallocate()
        windowed.deallocate()
        rawOutput.deallocate()
        floatOutput.deallocate()
    }

    /// Returns the frontend to its state right after init: no buffered samples, no noise
    /// estimate, frame numbering from 0. The output afterwards equals a new frontend's.
    public func reset() {
        inputUsed = 0
        frameCount = 0
        input.update(repeating: 0, count: windowSampleCount)
        noiseReduction.reset()
    }

    /// Feeds samples and calls `onFrame` for every frame they complete, in order.
    ///
    /// - Parameters:
    ///   - samples: 16-bit mono samples at ``FrontendConfiguration/sampleRate``; any count,
    ///     including zero. Leftover samples are kept for the next call.
    ///   - onFrame: called with each finished frame; its buffers are valid only during
    ///     the call. If it throws, processing stops right after that frame and the error is
    ///     rethrown: the rest of this call's samples is dropped, the frontend stays
    ///     consistent and takes new samples as if the dropped ones had never come.
    public func process(
        _ samples: UnsafeBufferPointer<Int16>, onFrame: (FeatureFrame) throws -> Void
    ) rethrows {
        guard var next = samples.baseAddress else { return }
        var remaining = samples.count
        let windowSize = windowSampleCount
        while remaining > 0 {
            let take = min(windowSize &- inputUsed, remaining)
            (input + inputUsed).update(from: next, count: take)
            inputUsed &+= take
            next += take
            remaining &-= take
            if inputUsed == windowSize {
                computeFrame()
                // Keep the overlap: the last (window - step) samples start the next window.
                input.update(from: input + stepSampleCount, count: windowSize &- stepSampleCount)
                inputUsed = windowSize &- stepSampleCount
                let frame = FeatureFrame(
                    index: frameCount,
                    values: UnsafeBufferPointer(start: rawOutput, count: channelCount),
                    features: UnsafeBufferPointer(start: floatOutput, count: channelCount))
                frameCount &+= 1
                try onFrame(frame)
            }
        }
    }

    /// Feeds samples from any collection and calls `onFrame` for every frame they complete.
    /// Arrays and array slices are read in place; other collections are copied first.
    public func process<Samples: Collection<Int16>>(
        _ samples: Samples, onFrame: (FeatureFrame) throws -> Void
    ) rethrows {
        let done: Void? = try samples.withContiguousStorageIfAvailable { buffer in
            try process(buffer, onFrame: onFrame)
        }
        if done == nil {
            try Array(samples).withUnsafeBufferPointer { buffer in
                try process(buffer, onFrame: onFrame)
            }
        }
    }

    /// Feeds samples and returns copies of the frames they complete (allocates per frame;
    /// use `process(_:onFrame:)` on hot paths).
    public func process<Samples: Collection<Int16>>(_ samples: Samples) -> [FeatureVector] {
        var frames: [FeatureVector] = []
        frames.reserveCapacity((bufferedSampleCount + samples.count) / stepSampleCount)
        process(samples) { frames.append($0.copy()) }
        return frames
    }

    /// Runs one full window through all stages into `rawOutput` and `floatOutput`.
    private func computeFrame() {
        let maxMagnitude = window.apply(input, into: windowed)
        // Scale the FFT input up so that its largest value uses the top bit.
        let shift = 15 &- (32 &- UInt32(UInt16(bitPattern: maxMagnitude)).leadingZeroBitCount)
        fft.transform(windowed, inputShift: shift)
        filterbank.apply(real: fft.outputReal, imag: fft.outputImag, scaleDownShift: shift)
        let signal = filterbank.output
        noiseReduction.apply(signal)
        gainControl?.apply(signal, noiseEstimate: noiseReduction.estimate)
        logScale.apply(signal, count: channelCount, correctionBits: logCorrectionBits, into: rawOutput)
        let scale = featureScale
        for channel in 0..<channelCount {
            floatOutput[channel] = Float(rawOutput[channel]) * scale
        }
    }
}

@available(*, unavailable, message: "a FeatureFrontend is mutable state; use one per task")
extension FeatureFrontend: Sendable {}
