/// Exponential backoff with full jitter: after the n-th consecutive failure the delivery loop
/// waits a random time in `0 ..< min(cap, base × 2^(n-1))`.
///
/// Full jitter spreads the retries of many devices that lost the cloud at the same moment, so
/// that they do not come back in step.
public struct BackoffPolicy: Sendable, Equatable {
    /// The first ceiling, in seconds. Default 1.
    public var base: Double
    /// The largest ceiling, in seconds. Default 300 (5 minutes). A server's `Retry-After` is also
    /// capped here.
    public var cap: Double

    /// Creates a policy.
    public init(base: Double = 1, cap: Double = 300) {
        self.base = base
        self.cap = cap
    }

    /// The ceiling after `failures` consecutive failures (1 for the first).
    public func ceiling(afterFailures failures: Int) -> Double {
        let exponent = Double(max(0, min(failures - 1, 62)))
        return min(cap, base * pow2(exponent))
    }

    /// The delay after `failures` consecutive failures.
    ///
    /// - Parameter unitRandom: a random number in `0 ..< 1` (injectable for tests).
    public func delay(afterFailures failures: Int, unitRandom: Double) -> Double {
        ceiling(afterFailures: failures) * min(max(unitRandom, 0), 1)
    }

    private func pow2(_ exponent: Double) -> Double {
        var value = 1.0
        var remaining = Int(exponent)
        while remaining > 0 {
            value *= 2
            remaining -= 1
        }
        return value
    }
}
