import Foundation

/// A fixed set of inference worker threads with a bounded queue in front.
///
/// Models run on these threads only, never on the Swift concurrency pool. Each worker owns a
/// ``WorkerContext`` (its interpreters and frontends), so a job needs no locks. When the
/// queue holds ``queueCapacity`` waiting jobs, ``submit(_:)`` fails at once with a 503
/// ``CloudError`` carrying `Retry-After`, so that the edge backs off instead of piling up.
///
/// Dynamic batching: a worker that finds several queued jobs takes up to ``maxBatch`` at once
/// (waiting at most ``maxBatchDelay`` for more when it has fewer) and runs them back to back
/// on warm interpreters; ``batchSizes`` records how many it took.
public final class InferencePool: @unchecked Sendable {
    // Invariant (why @unchecked Sendable is sound): `queue`, `stopped`, `running`, `waitingNew`
    // and the batch statistics are read and written only while `condition` is locked;
    // `threads` is written in init only.
    private let condition = NSCondition()
    private var queue: [Job] = []
    private var queueHead = 0
    /// Waiting jobs that are not follow-ups: the ones the queue's capacity bounds.
    private var waitingNew = 0
    private var stopped = false
    private var running = 0
    private var threads: [Thread] = []
    private let finished = DispatchGroupBox()

    /// Worker threads.
    public let workerCount: Int
    /// Jobs that may wait; one more is refused with 503.
    public let queueCapacity: Int
    /// The most jobs one worker takes at once.
    public let maxBatch: Int
    /// How long a worker with fewer than ``maxBatch`` jobs waits for more, in seconds.
    public let maxBatchDelay: Double
    /// Seconds sent as `Retry-After` when the queue is full.
    public let retryAfterSeconds: Int
    /// Called with the queue depth after every change, and with each batch's size.
    private let observer: (any InferencePoolObserver)?

    private struct Job {
        let enqueued: UInt64
        var followUp = false
        let work: (WorkerContext, Double) -> Void
    }

    /// Starts `workers` threads.
    ///
    /// - Parameters:
    ///   - workers: worker threads; default: the number of active cores.
    ///   - queueCapacity: waiting jobs allowed beyond the running ones; default 4 per worker.
    ///   - maxBatch: jobs one worker takes at once (1 turns dynamic batching off).
    ///   - maxBatchDelay: seconds to wait for a batch to fill (0: take what is there).
    public init(
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, queueCapacity: Int? = nil, maxBatch: Int = 1,
        maxBatchDelay: Double = 0, retryAfterSeconds: Int = 1, observer: (any InferencePoolObserver)? = nil
    ) {
        workerCount = max(1, workers)
        self.queueCapacity = max(0, queueCapacity ?? 4 * max(1, workers))
        self.maxBatch = max(1, maxBatch)
        self.maxBatchDelay = max(0, maxBatchDelay)
        self.retryAfterSeconds = retryAfterSeconds
        self.observer = observer
        for index in 0..<workerCount {
            finished.enter()
            let thread = Thread { [self] in
                workerLoop(context: WorkerContext(index: index))
                finished.leave()
            }
            thread.name = "earshot-inference-\(index)"
            thread.stackSize = 8 << 20
            threads.append(thread)
        }
        for thread in threads { thread.start() }
    }

    /// Jobs waiting for a worker now.
    public var queueDepth: Int {
        condition.lock()
        defer { condition.unlock() }
        return queue.count - queueHead
    }

    /// Runs `work` (a new request's first job) on a worker and returns its result with the
    /// seconds it waited in the queue.
    ///
    /// - Throws: ``CloudError`` `overloaded` (503, `Retry-After`) when the queue is full,
    ///   `unavailable` after ``shutdown()``, or whatever `work` throws.
    public func submit<T: Sendable>(_ work: @escaping @Sendable (WorkerContext) throws -> T) async throws -> (
        value: T, queueSeconds: Double
    ) {
        try await withCheckedThrowingContinuation { continuation in
            let job = Job(enqueued: DispatchTime.now().uptimeNanoseconds) { context, waited in
                continuation.resume(with: Result { (try work(context), waited) })
            }
            condition.lock()
            if stopped {
                condition.unlock()
                continuation.resume(throwing: CloudError(.unavailable, "the service is shutting down"))
                return
            }
            // Free workers take jobs at once, so only jobs beyond them wait; follow-ups waiting
            // do not count (their request was admitted already).
            if waitingNew >= queueCapacity + max(0, workerCount - running) {
                condition.unlock()
                observer?.rejected()
                continuation.resume(
                    throwing: CloudError(
                        .overloaded, "the inference queue is full (\(queueCapacity) waiting); retry later", retryAfter: retryAfterSeconds))
                return
            }
            queue.append(job)
            waitingNew += 1
            let depth = queue.count - queueHead
            condition.signal()
            condition.unlock()
            observer?.queueDepthChanged(depth)
        }
    }

    /// Runs the follow-up jobs of a request that already holds a place (the recognition passes
    /// after its verification): queued together in the order given — longest first, so that a
    /// single free worker starts the longest at once — ahead of every new request (behind
    /// earlier follow-ups), and never refused, so requests in flight finish before new ones
    /// start. Returns their results in that order.
    ///
    /// - Throws: ``CloudError`` `unavailable` after ``shutdown()``, or the first error a job throws.
    public func submitFollowUps<T: Sendable>(_ works: [@Sendable (WorkerContext) throws -> T]) async throws -> [(
        value: T, queueSeconds: Double
    )] {
        guard !works.isEmpty else { return [] }
        let gathered = GatheredResults<(value: T, queueSeconds: Double)>(count: works.count)
        return try await withCheckedThrowingContinuation { continuation in
            gathered.deliver(to: continuation)
            let now = DispatchTime.now().uptimeNanoseconds
            let jobs = works.enumerated().map { index, work in
                Job(enqueued: now, followUp: true) { context, waited in
                    gathered.record(index, Result { (try work(context), waited) })
                }
            }
            condition.lock()
            if stopped {
                condition.unlock()
                gathered.fail(CloudError(.unavailable, "the service is shutting down"))
                return
            }
            // After the follow-ups already waiting, before every new request.
            queue.insert(contentsOf: jobs, at: queue[queueHead...].firstIndex { !$0.followUp } ?? queue.count)
            let depth = queue.count - queueHead
            condition.broadcast()
            condition.unlock()
            observer?.queueDepthChanged(depth)
        }
    }


    /// Runs `work` on a worker; blocks the calling thread (for command-line tools).
    public func submitBlocking<T: Sendable>(_ work: @escaping @Sendable (WorkerContext) throws -> T) throws -> T {
        let box = ResultBox<T>()
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        queue.append(
            Job(enqueued: DispatchTime.now().uptimeNanoseconds) { context, _ in
                box.result = Result { try work(context) }
                done.signal()
            })
        waitingNew += 1
        condition.signal()
        condition.unlock()
        done.wait()
        return try box.result!.get()
    }

    /// Stops taking jobs, lets the queued ones finish and waits for the workers to end.
    public func shutdown() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        finished.wait()
    }

    private func workerLoop(context: WorkerContext) {
        while true {
            condition.lock()
            while queue.count == queueHead && !stopped { condition.wait() }
            if queue.count == queueHead && stopped {
                condition.unlock()
                return
            }
            if maxBatch > 1, maxBatchDelay > 0, queue.count - queueHead < maxBatch, !stopped {
                _ = condition.wait(until: Date(timeIntervalSinceNow: maxBatchDelay))
            }
            let take = min(maxBatch, queue.count - queueHead)
            guard take > 0 else {
                condition.unlock()
                continue
            }
            let batch = Array(queue[queueHead..<(queueHead + take)])
            queueHead += take
            waitingNew -= batch.count { !$0.followUp }
            if queueHead > 1024, queueHead * 2 > queue.count {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            running += 1
            let depth = queue.count - queueHead
            condition.unlock()
            observer?.queueDepthChanged(depth)
            observer?.batchTaken(size: take)
            let now = DispatchTime.now().uptimeNanoseconds
            for job in batch { job.work(context, Double(now &- job.enqueued) / 1e9) }
            condition.lock()
            running -= 1
            condition.unlock()
        }
    }
}

/// Receives the pool's queue depth, batch sizes and refusals (for metrics).
public protocol InferencePoolObserver: Sendable {
    /// The number of waiting jobs changed.
    func queueDepthChanged(_ depth: Int)
    /// A worker took `size` jobs at once.
    func batchTaken(size: Int)
    /// A job was refused because the queue was full.
    func rejected()
}

/// What one worker thread owns: a verifier per model version, made on first use.
public final class WorkerContext {
    /// The worker's number.
    public let index: Int
    private var verifiers: [ObjectIdentifier: WakeWordVerifier] = [:]

    init(index: Int) { self.index = index }

    /// This worker's verifier for `model`.
    public func verifier(for model: LoadedModel) throws -> WakeWordVerifier {
        if let verifier = verifiers[ObjectIdentifier(model)] { return verifier }
        let verifier = try WakeWordVerifier(model: model)
        if verifiers.count > 16 { verifiers.removeAll() }
        verifiers[ObjectIdentifier(model)] = verifier
        return verifier
    }
}

/// Collects the results of jobs that finish in any order and resumes one continuation with all
/// of them in their original order, or with the first error.
// Invariant: every field is touched only while `lock` is held; the continuation is resumed once.
private final class GatheredResults<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var results: [Result<Value, any Error>?]
    private var continuation: CheckedContinuation<[Value], any Error>?

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func deliver(to continuation: CheckedContinuation<[Value], any Error>) {
        lock.withLock { self.continuation = continuation }
    }

    func record(_ index: Int, _ result: Result<Value, any Error>) {
        let outcome: Result<[Value], any Error>? = lock.withLock {
            results[index] = result
            guard results.allSatisfy({ $0 != nil }) else { return nil }
            return Result { try results.map { try $0!.get() } }
        }
        if let outcome { resume(outcome) }
    }

    func fail(_ error: any Error) { resume(.failure(error)) }

    private func resume(_ outcome: Result<[Value], any Error>) {
        let waiting = lock.withLock {
            defer { continuation = nil }
            return continuation
        }
        waiting?.resume(with: outcome)
    }
}

// Invariant: written by one worker before `done.signal()`, read after `done.wait()`.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

// Invariant: DispatchGroup is thread-safe.
private final class DispatchGroupBox: @unchecked Sendable {
    private let group = DispatchGroup()
    func enter() { group.enter() }
    func leave() { group.leave() }
    func wait() { group.wait() }
}
