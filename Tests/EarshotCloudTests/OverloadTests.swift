import EarshotCloud
import EarshotWire
import Foundation
import Testing

/// The bounded worker pool and its 503 + Retry-After.
@Suite(.serialized) struct OverloadTests {
    @Test func aFullQueueRefusesAtOnceWithRetryAfter() async throws {
        let pool = InferencePool(workers: 1, queueCapacity: 1)
        let first = try await HeldWorker(pool, value: 1)
        async let second = pool.submit { _ in 2 }
        try await waitForQueueDepth(pool, 1)
        #expect(pool.queueDepth == 1)
        try await Task.sleep(for: .milliseconds(60))
        do {
            _ = try await pool.submit { _ in 3 }
            Issue.record("a third job should be refused")
        } catch let error as CloudError {
            #expect(error.code == .overloaded)
            #expect(error.code.status == 503)
            #expect(error.retryAfter == 1)
        }
        first.release()
        #expect(try await first.job.value == 1)
        let (secondValue, waited) = try await second
        #expect(secondValue == 2)
        #expect(waited >= 0.05)
        pool.shutdown()
    }

    @Test func followUpJobsOfAdmittedRequestsAreNeverRefusedAndRunFirst() async throws {
        let pool = InferencePool(workers: 1, queueCapacity: 1)
        let order = OrderRecorder()
        let first = try await HeldWorker(pool, value: 1, order: order)
        // A follow-up neither takes a place in the bounded queue nor can be refused…
        async let followUp = pool.submitFollowUps([{ @Sendable _ in order.append("follow-up"); return 4 }])
        try await waitForQueueDepth(pool, 1)
        async let waiting = pool.submit { _ in order.append("new request"); return 2 }
        try await waitForQueueDepth(pool, 2)
        #expect(pool.queueDepth == 2)
        // …while a new request beyond the capacity is.
        await #expect(throws: CloudError.self) { try await pool.submit { _ in 3 } }
        async let lateFollowUp = pool.submitFollowUps([{ @Sendable _ in order.append("late follow-up"); return 5 }])
        try await waitForQueueDepth(pool, 3)
        first.release()
        #expect(try await first.job.value == 1)
        #expect(try await followUp.map(\.value) == [4])
        #expect(try await waiting.value == 2)
        #expect(try await lateFollowUp.map(\.value) == [5])
        #expect(order.items == ["first", "follow-up", "late follow-up", "new request"])
        pool.shutdown()
    }

    @Test func followUpsSubmittedTogetherRunInTheirOrderAheadOfNewRequests() async throws {
        let pool = InferencePool(workers: 1, queueCapacity: 4)
        let order = OrderRecorder()
        let first = try await HeldWorker(pool, value: 0, order: order)
        async let waiting = pool.submit { _ in order.append("new request"); return 9 }
        try await waitForQueueDepth(pool, 1)
        async let together = pool.submitFollowUps([
            { @Sendable _ in order.append("long"); return 1 },
            { @Sendable _ in order.append("short"); return 2 },
        ])
        try await waitForQueueDepth(pool, 3)
        first.release()
        #expect(try await first.job.value == 0)
        #expect(try await together.map(\.value) == [1, 2])
        #expect(try await waiting.value == 9)
        #expect(order.items == ["first", "long", "short", "new request"])
        // One failing job fails the whole call; the others still ran.
        let failing: [@Sendable (WorkerContext) throws -> Int] = [
            { _ in throw CloudError(.badRequest, "no") },
            { _ in order.append("after a failure"); return 3 },
        ]
        await #expect(throws: CloudError.self) { try await pool.submitFollowUps(failing) }
        #expect(order.items.last == "after a failure")
        pool.shutdown()
        await #expect(throws: CloudError.self) { try await pool.submitFollowUps([{ @Sendable _ in 4 }]) }
    }

    @Test func concurrentUploadsBeyondTheQueueGet503WithRetryAfterAndSucceedLater() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path) {
            $0.workers = 1
            $0.queueCapacity = 0
        }
        let speech = try Repo.recording("alexa-en-us")
        var long: [Int16] = []
        while long.count < 16_000 * 25 { long += speech }
        let wav = SegmentWAV.encode(samples: long)
        let answers = try await withThrowingTaskGroup(of: (Int, HTTPAnswer).self) { group in
            for index in 0..<6 {
                group.addTask { (index, try await HTTP.upload(server, key: testKey(100 + index), wav: wav)) }
            }
            return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
        }
        let refused = answers.filter { $0.value.status == 503 }
        #expect(!refused.isEmpty)
        #expect(answers.values.allSatisfy { $0.status == 200 || $0.status == 503 })
        for answer in refused.values {
            #expect(answer.headers["retry-after"] == "1")
            #expect(answer.errorCode == "overloaded")
        }
        for index in refused.keys {
            #expect(try await HTTP.upload(server, key: testKey(100 + index), wav: wav).status == 200)
        }
        let metrics = try await HTTP.send("GET", server.baseURL + "/metrics").text
        #expect((metricValue(metrics, "earshot_inference_rejected_total") ?? 0) >= Double(refused.count))
        #expect(metrics.contains(#"earshot_http_requests_total{route="/v1/segments/{key}",method="PUT",status="503"}"#))
        await server.stop()
    }
}

/// Records what the pool reports.
final class PoolRecorder: InferencePoolObserver, @unchecked Sendable {
    // Invariant: `sizes` is touched only while `lock` is held.
    private let lock = NSLock()
    private var sizes: [Int] = []
    var batchSizes: [Int] { lock.withLock { sizes } }
    func queueDepthChanged(_ depth: Int) {}
    func batchTaken(size: Int) { lock.withLock { sizes.append(size) } }
    func rejected() {}
}

@Suite struct DynamicBatchingTests {
    @Test func aWorkerTakesQueuedJobsTogetherUpToTheMaximum() async throws {
        let recorder = PoolRecorder()
        let pool = InferencePool(workers: 1, queueCapacity: 16, maxBatch: 4, maxBatchDelay: 0.05, observer: recorder)
        let blocker = try await HeldWorker(pool, value: 0)
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for value in 1...6 { group.addTask { try await pool.submit { _ in value }.value } }
            try await waitForQueueDepth(pool, 6)
            blocker.release()
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(try await blocker.job.value == 0)
        #expect(results.sorted() == [1, 2, 3, 4, 5, 6])
        #expect(recorder.batchSizes.first == 1)
        #expect(recorder.batchSizes.dropFirst().max() == 4)
        #expect(recorder.batchSizes.reduce(0, +) == 7)
        pool.shutdown()
    }
}

/// Records the order in which jobs ran.
final class OrderRecorder: @unchecked Sendable {
    // Invariant: `recorded` is touched only while `lock` is held.
    private let lock = NSLock()
    private var recorded: [String] = []
    var items: [String] { lock.withLock { recorded } }
    func append(_ item: String) { lock.withLock { recorded.append(item) } }
}

/// The only worker of a pool, held busy by a job until ``release()``.
struct HeldWorker {
    /// The job holding the worker; it returns the value given at creation.
    let job: Task<Int, any Error>
    private let gate: DispatchSemaphore

    /// Submits the job (it appends "first" to `order` when released) and waits until it runs.
    init(_ pool: InferencePool, value: Int, order: OrderRecorder? = nil) async throws {
        let gate = DispatchSemaphore(value: 0)
        let running = DispatchSemaphore(value: 0)
        job = Task {
            try await pool.submit { _ in
                running.signal(); gate.wait(); order?.append("first"); return value
            }.value
        }
        while running.wait(timeout: .now()) == .timedOut { try await Task.sleep(for: .milliseconds(5)) }
        self.gate = gate
    }

    /// Lets the job finish.
    func release() { gate.signal() }
}

/// Waits up to 5 s for `pool` to hold `depth` waiting jobs.
func waitForQueueDepth(_ pool: InferencePool, _ depth: Int) async throws {
    for _ in 0..<1000 where pool.queueDepth < depth { try await Task.sleep(for: .milliseconds(5)) }
}
