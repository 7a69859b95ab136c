/// The delivery thread's wake-up call: new work arrived, or stop was asked.
///
/// The delivery loop waits on it when the spool is empty and between retries; ``notify()``
/// (new work) and ``requestStop()`` wake it.
public final class DeliverySignal: @unchecked Sendable {
    // Invariant (why @unchecked Sendable is sound): `generation` and `stopRequested` are read and
    // written only while `condition` is locked.
    private let condition = PosixCondition()
    private var generation = 0
    private var stopRequested = false

    /// Creates a signal.
    public init() {}

    /// The count of ``notify()`` calls so far; pass it to ``waitForWork(after:timeout:)``.
    public var currentGeneration: Int {
        condition.lock()
        defer { condition.unlock() }
        return generation
    }

    /// Whether ``requestStop()`` was called.
    public var isStopRequested: Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopRequested
    }

    /// Says that new work arrived.
    public func notify() {
        condition.lock()
        generation += 1
        condition.broadcast()
        condition.unlock()
    }

    /// Asks every waiter to return now and the loop to end.
    public func requestStop() {
        condition.lock()
        stopRequested = true
        condition.broadcast()
        condition.unlock()
    }

    /// Blocks until ``notify()`` was called after `generation` was read, stop is asked, or
    /// `timeout` seconds pass.
    public func waitForWork(after generation: Int, timeout: Double) {
        let deadline = PosixCondition.Deadline.after(seconds: timeout)
        condition.lock()
        defer { condition.unlock() }
        while self.generation == generation, !stopRequested {
            if !condition.wait(until: deadline) { return }
        }
    }

    /// Blocks for `seconds`, or less when stop is asked; returns false when stop cut it short.
    @discardableResult
    public func sleep(seconds: Double) -> Bool {
        let deadline = PosixCondition.Deadline.after(seconds: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !stopRequested {
            if !condition.wait(until: deadline) { return true }
        }
        return false
    }
}
