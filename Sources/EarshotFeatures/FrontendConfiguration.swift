/// The parameters of a ``FeatureFrontend``: framing, the mel filterbank, noise reduction,
/// per-channel amplitude normalization (PCAN) and the log scale.
///
/// The stages and their parameters are those of the TensorFlow Lite Micro audio frontend
/// (`tensorflow/lite/experimental/microfrontend/lib`). ``microWakeWord`` holds the values that
/// microWakeWord and the `pymicro-features` package use; a frontend built from it produces the
/// same numbers, bit for bit, as `pymicro_features.MicroFrontend`.
public struct FrontendConfiguration: Sendable, Hashable {
    /// Parameters of the stationary-noise estimate that is subtracted from every channel.
    public struct NoiseReduction: Sendable, Hashable {
        /// Extra fractional bits the noise estimate keeps (TFLM `smoothing_bits`).
        public var smoothingBits: Int
        /// Weight of a new frame in the estimate of even-numbered channels, in [0, 1].
        public var evenSmoothing: Float
        /// Weight of a new frame in the estimate of odd-numbered channels, in [0, 1].
        public var oddSmoothing: Float
        /// The fraction of a channel's value that survives the subtraction at least, in [0, 1].
        public var minSignalRemaining: Float

        /// Creates noise-reduction parameters; the defaults are TFLM's and microWakeWord's.
        public init(
            smoothingBits: Int = 10,
            evenSmoothing: Float = 0.025,
            oddSmoothing: Float = 0.06,
            minSignalRemaining: Float = 0.05
        ) {
            self.smoothingBits = smoothingBits
            self.evenSmoothing = evenSmoothing
            self.oddSmoothing = oddSmoothing
            self.minSignalRemaining = minSignalRemaining
        }
    }

    /// Parameters of per-channel energy normalization (PCAN) gain control.
    public struct GainControl: Sendable, Hashable {
        /// Whether the stage runs at all (TFLM `enable_pcan`).
        public var isEnabled: Bool
        /// The exponent of the gain curve (`strength`).
        public var strength: Float
        /// Added to the noise estimate before the gain curve is applied (`offset`).
        public var offset: Float
        /// Fixed-point bits of the gain (`gain_bits`).
        public var gainBits: Int

        /// Creates gain-control parameters; the defaults are microWakeWord's (PCAN enabled).
        public init(isEnabled: Bool = true, strength: Float = 0.95, offset: Float = 80, gainBits: Int = 21) {
            self.isEnabled = isEnabled
            self.strength = strength
            self.offset = offset
            self.gainBits = gainBits
        }
    }

    /// Parameters of the final fixed-point natural logarithm.
    public struct LogScale: Sendable, Hashable {
        /// Whether the logarithm is taken (`enable_log`); without it values are only clamped.
        public var isEnabled: Bool
        /// Fractional bits of the output (`scale_shift`): the output is `ln(x) * 2^scaleShift`.
        public var scaleShift: Int

        /// Creates log-scale parameters; the defaults are TFLM's and microWakeWord's.
        public init(isEnabled: Bool = true, scaleShift: Int = 6) {
            self.isEnabled = isEnabled
            self.scaleShift = scaleShift
        }
    }

    /// Samples per second of the input.
    public var sampleRate: Int
    /// Length of the analysis window in milliseconds.
    public var windowDurationMilliseconds: Int
    /// Distance between the starts of consecutive windows in milliseconds.
    public var stepDurationMilliseconds: Int
    /// Number of mel channels in every frame.
    public var channelCount: Int
    /// Lower edge of the filterbank in hertz.
    public var lowerBandLimit: Float
    /// Upper edge of the filterbank in hertz.
    public var upperBandLimit: Float
    /// Noise-reduction parameters.
    public var noiseReduction: NoiseReduction
    /// PCAN gain-control parameters.
    public var gainControl: GainControl
    /// Log-scale parameters.
    public var logScale: LogScale
    /// The factor that turns a frame's raw `UInt16` values into its `Float` features.
    ///
    /// `pymicro-features` multiplies every raw value by `0.0390625` (= 1/25.6) in single
    /// precision; microWakeWord's models are trained on those floats.
    public var featureScale: Float

    /// Creates a configuration; every default is the ``microWakeWord`` value.
    public init(
        sampleRate: Int = 16_000,
        windowDurationMilliseconds: Int = 30,
        stepDurationMilliseconds: Int = 10,
        channelCount: Int = 40,
        lowerBandLimit: Float = 125,
        upperBandLimit: Float = 7_500,
        noiseReduction: NoiseReduction = NoiseReduction(),
        gainControl: GainControl = GainControl(),
        logScale: LogScale = LogScale(),
        featureScale: Float = 0.0390625
    ) {
        self.sampleRate = sampleRate
        self.windowDurationMilliseconds = windowDurationMilliseconds
        self.stepDurationMilliseconds = stepDurationMilliseconds
        self.channelCount = channelCount
        self.lowerBandLimit = lowerBandLimit
        self.upperBandLimit = upperBandLimit
        self.noiseReduction = noiseReduction
        self.gainControl = gainControl
        self.logScale = logScale
        self.featureScale = featureScale
    }

    /// The frontend microWakeWord trains and runs on, as `pymicro-features` 2.0.2 sets it up:
    /// 16 kHz input, 30 ms windows every 10 ms, 40 channels from 125 Hz to 7.5 kHz, noise
    /// reduction (10 smoothing bits, 0.025 / 0.06 / 0.05), PCAN (strength 0.95, offset 80,
    /// 21 gain bits), log scale with 6 fractional bits, features scaled by 0.0390625.
    public static let microWakeWord = FrontendConfiguration()

    /// Samples in one analysis window (`windowDurationMilliseconds * sampleRate / 1000`).
    public var windowSampleCount: Int { windowDurationMilliseconds * sampleRate / 1000 }

    /// Samples between the starts of two consecutive windows, which is also the number of
    /// new samples each frame after the first needs.
    public var stepSampleCount: Int { stepDurationMilliseconds * sampleRate / 1000 }
}
