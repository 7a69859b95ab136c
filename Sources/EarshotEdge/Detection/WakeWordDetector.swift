/// microWakeWord's detection rule over a stream of probabilities, plus a refractory time.
///
/// Fires when the mean of the last ``DetectorModelCard/slidingWindowSize`` probabilities
/// exceeds the cutoff — strictly, as pymicro-wakeword compares — and no detection happened
/// within the refractory time. With a refractory time of zero it fires on exactly the
/// invocations pymicro-wakeword's `process_streaming` returns `True` for.
public struct WakeWordDetector: Sendable {
    /// The cutoff the windowed mean must exceed.
    public let cutoff: Double
    /// How many probabilities the mean is taken over.
    public let windowSize: Int
    /// Invocations after a detection during which nothing fires.
    public let refractoryInvocations: Int

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
    public init(cutoff: Double, windowSize: Int, refractoryInvocations: Int) {
        precondition(windowSize >= 1, "windowSize must be at least 1")
        self.cutoff = cutoff
        self.windowSize = windowSize
        self.refractoryInvocations = max(0, refractoryInvocations)
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
    /// - Returns: the windowed mean when the detector fires, otherwise nil.
    public mutating func push(_ probability: Float) -> Double? {
        window[next] = probability
        next = next + 1 == windowSize ? 0 : next + 1
        filled = min(filled + 1, windowSize)
        invocation += 1
        let mean = windowedMean
        guard mean > cutoff, invocation > quietUntil else { return nil }
        quietUntil = invocation + refractoryInvocations
        return mean
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
