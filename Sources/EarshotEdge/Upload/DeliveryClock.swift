/// How the delivery loop waits between attempts. ``SystemDeliveryClock`` really waits; a test
/// clock can record the waits asked for and return at once.
public protocol DeliveryClock: Sendable {
    /// Waits `seconds` before the next attempt, returning early when `signal` asks to stop.
    func sleep(seconds: Double, signal: DeliverySignal)
}

/// Waits in real time on the delivery thread.
public struct SystemDeliveryClock: DeliveryClock {
    /// Creates the clock.
    public init() {}

    /// Waits `seconds` or until stop is asked.
    public func sleep(seconds: Double, signal: DeliverySignal) {
        signal.sleep(seconds: seconds)
    }
}
