/// microWakeWord's detection rule over a stream of probabilities, plus a refractory time and an
/// optional fast path.
///
/// Fires when the mean of the last ``DetectorModelCard/slidingWindowSize`` probabilities
/// exceeds the cutoff — strictly, as pymicro-wakeword compares — and no detection happened
/// within the refractory time. With a refractory time of zero and no fast cutoff it fires on
/// exactly the invocations pymicro-wakeword's `process_streaming` returns `True` for.
///
/// The window costs latency: a mean over 5 invocations of 30 ms each crosses the cutoff about
/// 100 ms after the first confident invocation. With a ``fastCutoff``, one invocation above it
/// fires at once (a higher bar than the window's, since a single invocation is less evidence).
public struct WakeWordDetector: Sendable {
    /// The cutoff the windowed mean must exceed.
    public let cutoff: Double
    /// How many probabilities the mean is taken over.
    public let windowSize: Int
    /// Invocations after a detection during which nothing fires.
    public let refractoryInvocations: Int
    /// One probability above this fires without waiting for the window (nil: window only).
    public let fastCutoff: Double?

    private var window: [Float]
    private var next = 0
    private var filled = 0
    private var quietUntil = 0
    private var invocation = 0

    /// Creates a detector.
    ///
    /// - Parameters:
    ///   - cutoff: the windowed mean must be greater than this.
    ///   - windowSize: probabilities averaged (at least 1).
    ///   - refractoryInvocations: invocations after a detection that cannot fire.
    ///   - fastCutoff: one probability greater than this fires at once (nil: window only).
    public init(cutoff: Double, windowSize: Int, refractoryInvocations: Int, fastCutoff: Double? = nil) {
        precondition(windowSize >= 1, "windowSize must be at least 1")
        self.cutoff = cutoff
        self.windowSize = windowSize
        self.refractoryInvocations = max(0, refractoryInvocations)
        self.fastCutoff = fastCutoff
        window = [Float](repeating: 0, count: windowSize)
    }

    /// The mean of the current window; 0 until the window is full, as pymicro-wakeword reports.
    public var windowedMean: Double {
        guard filled == windowSize else { return 0 }
        var sum = 0.0
        for value in window { sum += Double(value) }
        return sum / Double(windowSize)
    }

    /// Adds the probability of one invocation.
    ///
    /// - Returns: when the detector fires, the windowed mean (or, fired by the fast cutoff
    ///   alone, the probability); otherwise nil.
    public mutating func push(_ probability: Float) -> Double? {
        window[next] = probability
        next = next + 1 == windowSize ? 0 : next + 1
        filled = min(filled + 1, windowSize)
        invocation += 1
        let mean = windowedMean
        let windowFires = mean > cutoff
        let fastFires = fastCutoff.map { Double(probability) > $0 } ?? false
        guard windowFires || fastFires, invocation > quietUntil else { return nil }
        quietUntil = invocation + refractoryInvocations
        return windowFires ? mean : Double(probability)
    }

    /// Forgets every probability and any refractory period.
    public mutating func reset() {
        for index in window.indices { window[index] = 0 }
        next = 0
        filled = 0
        quietUntil = 0
        invocation = 0
    }
}
