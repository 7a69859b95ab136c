import EarshotWire
import Logging

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Drains a ``Spool`` into the cloud, oldest entry first, on a thread of its own.
///
/// For each entry: read and check it (damaged ones go to `corrupt/`), upload it with the
/// ``SegmentUploader``, then
/// - 2xx: delete it (counted as uploaded);
/// - 4xx other than 408 and 429: move it to `dead-letter/` with the server's reason;
/// - network failure, 408, 429, 5xx: keep it and try again after the server's `Retry-After`
///   (on 429 and 503, capped at the backoff cap) or else after an exponential backoff with full
///   jitter (``BackoffPolicy``). The next entry waits: delivery stays in order.
///
/// The loop survives the cloud being down or restarted for any length of time; the spool's
/// limits bound what waits meanwhile. ``stop()`` cancels an upload in flight (the entry stays
/// in the spool and goes again after a restart; the cloud's idempotency makes a repeat
/// harmless) and joins the thread.
public final class DeliveryLoop: Sendable {
    /// The spool drained.
    public let spool: Spool
    private let uploader: any SegmentUploader
    private let backoff: BackoffPolicy
    private let clock: any DeliveryClock
    private let unitRandom: @Sendable () -> Double
    private let logger: Logger
    private let signal = DeliverySignal()
    private let lifecycle = LockedBox(Lifecycle())
    private let finishedCondition = PosixCondition()

    private struct Lifecycle {
        var started = false
        var done = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    /// Creates a loop; ``start()`` starts it.
    ///
    /// - Parameters:
    ///   - spool: the spool to drain; its counters also count this loop's uploads and retries.
    ///   - uploader: sends one segment; used only on the loop's thread.
    ///   - backoff: the retry delays (default: base 1 s, cap 5 min).
    ///   - clock: how waits happen (default: real time).
    ///   - unitRandom: a random number in `0 ..< 1` for the jitter (injectable for tests).
    ///   - logger: where the loop logs; every line about an entry carries its `key`.
    public init(
        spool: Spool, uploader: any SegmentUploader, backoff: BackoffPolicy = BackoffPolicy(),
        clock: any DeliveryClock = SystemDeliveryClock(),
        unitRandom: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger = Logger(label: "earshot.delivery")
    ) {
        self.spool = spool
        self.uploader = uploader
        self.backoff = backoff
        self.clock = clock
        self.unitRandom = unitRandom
        self.logger = logger
        let signal = self.signal
        spool.addEnqueueObserver { signal.notify() }
    }

    /// Starts the delivery thread (once).
    public func start() {
        let alreadyStarted = lifecycle.withLock { state -> Bool in
            defer { state.started = true }
            return state.started
        }
        guard !alreadyStarted else { return }
        PosixThread.detach(name: "earshot-delivery") { [self] in
            deliver()
            finishedCondition.lock()
            let waiters = lifecycle.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.done = true
                defer { state.waiters = [] }
                return state.waiters
            }
            finishedCondition.broadcast()
            finishedCondition.unlock()
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Stops the loop: cancels an upload in flight, wakes a waiting thread and waits for it to
    /// end. Entries not yet delivered stay in the spool.
    public func stop() {
        signal.requestStop()
        uploader.cancel()
        finishedCondition.lock()
        while lifecycle.withLock({ $0.started && !$0.done }) { finishedCondition.wait() }
        finishedCondition.unlock()
    }

    /// Runs the loop until the calling task is cancelled, then stops it as ``stop()`` does and
    /// returns once the delivery thread has ended. This is the shape of swift-service-lifecycle's
    /// `Service.run()`, so the agent can run the loop in a `ServiceGroup` (with
    /// `cancelOnGracefulShutdown`). The awaiting task blocks no thread of the pool.
    public func run() async {
        start()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let finishedAlready = lifecycle.withLock { state -> Bool in
                    if state.done { return true }
                    state.waiters.append(continuation)
                    return false
                }
                if finishedAlready { continuation.resume() }
            }
        } onCancel: {
            signal.requestStop()
            uploader.cancel()
        }
    }

    /// The counters now.
    public func counters() -> DeliveryCounters { spool.counters() }

    /// Waits until the spool's queue is empty; false when `timeout` seconds passed first.
    public func waitUntilDrained(timeout: Double) -> Bool {
        let deadline = PosixCondition.Deadline.after(seconds: timeout)
        while !deadline.hasPassed {
            if spool.oldest() == nil { return true }
            usleep(10_000)
        }
        return spool.oldest() == nil
    }

    private func deliver() {
        logger.info("delivery started")
        var failures = 0
        while !signal.isStopRequested {
            let generation = signal.currentGeneration
            guard let segment = spool.nextSegment() else {
                signal.waitForWork(after: generation, timeout: 60)  // wake now and then to apply the age limit
                continue
            }
            let keyLogger = spool.logger(for: segment.metadata.key)
            let outcome = uploader.upload(segment)
            switch outcome {
            case .delivered(let status, let prediction):
                spool.markDelivered(segment.entry)
                var metadata: Logger.Metadata = ["status": "\(status)", "attempts": "\(failures + 1)"]
                failures = 0
                if let prediction {
                    if prediction.key != segment.metadata.key {
                        keyLogger.warning("the cloud answered for another key", metadata: ["answered_key": "\(prediction.key)"])
                    }
                    metadata["verified"] = "\(prediction.verified)"
                    metadata["cloud_score"] = "\(prediction.score)"
                } else {
                    keyLogger.warning("the cloud's 2xx answer is not a prediction", metadata: ["status": "\(status)"])
                }
                keyLogger.info("segment delivered", metadata: metadata)
            case .refused(let status, let reason):
                spool.moveToDeadLetters(segment.entry, status: status, reason: reason)
                failures = 0
            case .retry(let status, let reason, let retryAfter):
                if signal.isStopRequested { break }
                failures += 1
                spool.counterBox.withLock { $0.retried += 1 }
                let delay = retryAfter.map { min($0, backoff.cap) } ?? backoff.delay(afterFailures: failures, unitRandom: unitRandom())
                keyLogger.warning(
                    "upload failed, will retry",
                    metadata: [
                        "status": "\(status.map(String.init) ?? "none")", "reason": "\(reason)", "failures": "\(failures)",
                        "retry_in_s": "\(delay)", "retry_after": "\(retryAfter.map { "\($0)" } ?? "none")",
                    ])
                clock.sleep(seconds: delay, signal: signal)
            }
        }
        logger.info("delivery stopped", metadata: ["counters": "\(spool.counters())"])
    }
}
