import EarshotEdge
import EarshotWire
import Foundation
import Testing

/// A spool, a token file and a delivery loop with a real ``CurlUploader``, against a server.
final class DeliveryRig {
    let folder = TemporaryFolder("delivery")
    let logs = LogCapture()
    let spool: Spool
    let uploader: CurlUploader
    let loop: DeliveryLoop
    let clock: RecordingClock?

    init(
        baseURL: String, backoff: BackoffPolicy = BackoffPolicy(base: 0.05, cap: 0.2), recordingClock: Bool = false,
        requestTimeout: Double = 5
    ) throws {
        spool = try Spool(
            configuration: SpoolConfiguration(directory: folder.file("spool")), deviceID: "kitchen-pi", logger: logs.logger("spool"))
        let token = folder.write("device-token-123\n", to: "token")
        uploader = try CurlUploader(
            configuration: UploaderConfiguration(baseURL: baseURL, tokenFile: token, connectTimeout: 1, requestTimeout: requestTimeout),
            logger: logs.logger("uploader"))
        let clock = recordingClock ? RecordingClock() : nil
        self.clock = clock
        loop = DeliveryLoop(
            spool: spool, uploader: uploader, backoff: backoff, clock: clock ?? SystemDeliveryClock(), unitRandom: { 0.5 },
            logger: logs.logger("delivery"))
    }

    deinit {
        loop.stop()
        folder.remove()
    }
}

@Suite struct DeliveryTests {
    @Test func everySegmentArrivesOnceWithItsKeyBodyAndHeadersOnOneConnection() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let rig = try DeliveryRig(baseURL: server.baseURL + "/")
        var sent: [(SegmentKey, Data)] = []
        for _ in 0..<5 { sent.append(try SegmentFactory.enqueue(rig.spool)) }
        rig.loop.start()
        for _ in 0..<2 { sent.append(try SegmentFactory.enqueue(rig.spool)) }  // while it runs
        #expect(rig.loop.waitUntilDrained(timeout: 10))
        rig.loop.stop()

        let requests = server.requests
        #expect(requests.count == 7)
        for ((key, wav), request) in zip(sent, requests) {
            #expect(request.method == "PUT")
            #expect(request.path == "/v1/segments/\(key)")
            #expect(request.body == wav)
            #expect(request.headers["authorization"] == "Bearer device-token-123")
            #expect(request.headers["idempotency-key"] == key.description)
            #expect(request.headers["content-type"] == "audio/wav")
            #expect(request.headers["x-earshot-device"] == "kitchen-pi")
            #expect(request.headers["x-earshot-wake-word"] == "computer")
            #expect(request.headers["x-earshot-model-version"] == "3")
            #expect(request.headers["expect"] == nil)
            let metadata = try SegmentUpload.metadata(pathKey: key.description) { request.headers[$0.lowercased()] }
            #expect(metadata == SegmentFactory.metadata(key))
        }
        #expect(server.connectionCount == 1)
        let counters = rig.loop.counters()
        #expect(counters.uploaded == 7 && counters.spooled == 7 && counters.retried == 0 && counters.spoolBytes == 0)
        let entryLines = rig.logs.records.filter { $0.message.contains("segment") || $0.message.contains("upload") }
        #expect(!entryLines.isEmpty)
        #expect(entryLines.allSatisfy { $0.metadata["key"] != nil })
        #expect(!rig.logs.records.contains { "\($0.metadata)".contains("device-token-123") })
    }

    @Test func aServerDownThenUpGetsEverySegmentOnce() throws {
        var server = try TestHTTPServer()
        let port = server.port
        server.stop()
        let rig = try DeliveryRig(baseURL: server.baseURL)
        let keys = try (0..<3).map { _ in try SegmentFactory.enqueue(rig.spool).0 }
        rig.loop.start()
        #expect(eventually { rig.loop.counters().retried >= 3 })
        #expect(rig.spool.entries().count == 3)
        server = try TestHTTPServer(port: port)
        defer { server.stop() }
        #expect(rig.loop.waitUntilDrained(timeout: 10))
        // Down again mid-run, then back: the new segment waits, then goes.
        server.stop()
        let late = try SegmentFactory.enqueue(rig.spool).0
        let retriedBefore = rig.loop.counters().retried
        #expect(eventually { rig.loop.counters().retried > retriedBefore })
        let restarted = try TestHTTPServer(port: port)
        defer { restarted.stop() }
        #expect(rig.loop.waitUntilDrained(timeout: 10))
        rig.loop.stop()

        #expect(server.requests.map(\.path) == keys.map { "/v1/segments/\($0)" })
        #expect(restarted.requests.map(\.path) == ["/v1/segments/\(late)"])
        #expect(rig.loop.counters().uploaded == 4)
        let retryLines = rig.logs.records.filter { $0.message.contains("will retry") }
        #expect(retryLines.allSatisfy { $0.metadata["key"] == keys[0].description || $0.metadata["key"] == late.description })
        #expect(retryLines.contains { $0.metadata["reason"]?.contains("onnect") == true })
    }

    @Test func retryAfterSecondsAndDatesAreHonouredOn429And503() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let answers = ScriptedAnswers([
            .json(429, #"{"error":{"code":"rate_limited","message":"slow down"}}"#, headers: ["Retry-After": "1"]),
            .json(
                503, #"{"error":{"code":"overloaded","message":"queue full"}}"#,
                headers: ["Retry-After": RetryAfter.httpDateString(Date().addingTimeInterval(3))]),
            .respond(status: 503, headers: [:], body: Data()),  // no Retry-After: backoff
        ])
        server.setHandler { request in answers.next() ?? TestHTTPServer.okPrediction(request) }
        let rig = try DeliveryRig(baseURL: server.baseURL, backoff: BackoffPolicy(base: 1, cap: 300), recordingClock: true)
        let (key, _) = try SegmentFactory.enqueue(rig.spool)
        rig.loop.start()
        #expect(rig.loop.waitUntilDrained(timeout: 10))
        rig.loop.stop()
        let sleeps = try #require(rig.clock).sleeps
        #expect(sleeps.count == 3)
        #expect(sleeps[0] == 1)
        #expect(sleeps[1] > 1 && sleeps[1] <= 3)  // an HTTP date has whole seconds
        #expect(sleeps[2] == 2)  // third failure: ceiling 4 s × jitter 0.5
        #expect(server.requests.count == 4)
        #expect(Set(server.requests.map(\.path)) == ["/v1/segments/\(key)"])
        #expect(rig.loop.counters().retried == 3)
        #expect(rig.loop.counters().uploaded == 1)
    }

    @Test func retryAfterReallyWaitsWithTheSystemClock() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let answers = ScriptedAnswers([.respond(status: 429, headers: ["Retry-After": "1"], body: Data())])
        server.setHandler { request in answers.next() ?? TestHTTPServer.okPrediction(request) }
        let rig = try DeliveryRig(baseURL: server.baseURL, backoff: BackoffPolicy(base: 0.05, cap: 300))
        try SegmentFactory.enqueue(rig.spool)
        rig.loop.start()
        #expect(rig.loop.waitUntilDrained(timeout: 10))
        rig.loop.stop()
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests[1].receivedAt.timeIntervalSince(requests[0].receivedAt) >= 0.95)
    }

    @Test func a400GoesToDeadLettersWithTheServersReasonAndTheRestFlows() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let rig = try DeliveryRig(baseURL: server.baseURL)
        let keys = try (0..<3).map { _ in try SegmentFactory.enqueue(rig.spool).0 }
        let refused = keys[1].description
        server.setHandler { request in
            request.path.hasSuffix(refused)
                ? .json(400, #"{"error":{"code":"invalid_audio","message":"body: segment shorter than 0.2 s"}}"#)
                : TestHTTPServer.okPrediction(request)
        }
        rig.loop.start()
        #expect(rig.loop.waitUntilDrained(timeout: 10))
        rig.loop.stop()
        #expect(server.requests.count == 3)
        let counters = rig.loop.counters()
        #expect(counters.deadLettered == 1 && counters.uploaded == 2 && counters.retried == 0)
        let reason = try String(contentsOfFile: rig.spool.deadLetterDirectory + "/\(refused).seg.reason", encoding: .utf8)
        #expect(reason.contains("HTTP 400: invalid_audio: body: segment shorter than 0.2 s"))
        #expect(FileManager.default.fileExists(atPath: rig.spool.deadLetterDirectory + "/\(refused).seg"))
        let line = try #require(rig.logs.records.first { $0.message.contains("dead letter") })
        #expect(line.metadata["key"] == refused)
    }

    @Test func aClosedConnectionAndASlowServerAreRetried() throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let answers = ScriptedAnswers([.close, .delay(1.5, then: .respond(status: 200, headers: [:], body: Data()))])
        server.setHandler { request in answers.next() ?? TestHTTPServer.okPrediction(request) }
        let rig = try DeliveryRig(baseURL: server.baseURL, requestTimeout: 0.5)
        let (key, _) = try SegmentFactory.enqueue(rig.spool)
        rig.loop.start()
        #expect(rig.loop.waitUntilDrained(timeout: 10))
        rig.loop.stop()
        #expect(server.requests.count == 3)
        #expect(Set(server.requests.map(\.path)) == ["/v1/segments/\(key)"])
        #expect(rig.loop.counters().retried == 2)
        let reasons = rig.logs.records.filter { $0.message.contains("will retry") }.compactMap { $0.metadata["reason"] }
        #expect(reasons.contains { $0.lowercased().contains("timeout") || $0.lowercased().contains("timed out") })
    }

    @Test func stopCancelsAnUploadInFlightAndKeepsTheSegment() throws {
        let server = try TestHTTPServer { _ in .delay(2, then: .respond(status: 200, headers: [:], body: Data())) }
        defer { server.stop() }
        let rig = try DeliveryRig(baseURL: server.baseURL, requestTimeout: 30)
        try SegmentFactory.enqueue(rig.spool)
        rig.loop.start()
        #expect(eventually { server.requests.count == 1 })
        let started = Date()
        rig.loop.stop()
        #expect(Date().timeIntervalSince(started) < 1)
        #expect(rig.spool.entries().count == 1)
        #expect(rig.loop.counters().uploaded == 0)
    }

    @Test func aMissingTokenFileIsAClearError() throws {
        let folder = TemporaryFolder("token")
        defer { folder.remove() }
        do {
            _ = try CurlUploader(configuration: UploaderConfiguration(baseURL: "http://127.0.0.1:9", tokenFile: folder.file("nope")))
            Issue.record("no error")
        } catch let error as EdgeError {
            #expect(error.code == .tokenUnreadable)
            #expect(error.description.contains(folder.file("nope")))
        }
        let empty = folder.write("  \n", to: "empty")
        #expect(throws: EdgeError.self) { try CurlUploader(configuration: UploaderConfiguration(baseURL: "http://x", tokenFile: empty)) }
        let token = folder.write("t", to: "token")
        #expect(throws: EdgeError.self) { try CurlUploader(configuration: UploaderConfiguration(baseURL: "ftp://x", tokenFile: token)) }
    }
}

/// Answers handed out in order, one per request, then nil.
final class ScriptedAnswers: @unchecked Sendable {
    // Invariant: `remaining` is touched only while `lock` is held.
    private let lock = NSLock()
    private var remaining: [TestHTTPServer.Action]

    init(_ answers: [TestHTTPServer.Action]) { remaining = answers }

    func next() -> TestHTTPServer.Action? {
        lock.lock()
        defer { lock.unlock() }
        return remaining.isEmpty ? nil : remaining.removeFirst()
    }
}

@Suite struct DeliveryLifecycleTests {
    @Test func runDeliversUntilItsTaskIsCancelled() async throws {
        let server = try TestHTTPServer()
        defer { server.stop() }
        let rig = try DeliveryRig(baseURL: server.baseURL)
        let loop = rig.loop
        let task = Task { await loop.run() }
        let (key, _) = try SegmentFactory.enqueue(rig.spool)
        // Poll without blocking a thread of the pool: the task that runs the loop needs one. The
        // pool has one thread per core and other suites' synchronous tests (kill -9 runs, ALSA
        // captures) can hold them all for half a minute on two cores, so the task may start late.
        let deadline = Date().addingTimeInterval(120)
        while rig.spool.oldest() != nil, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(rig.spool.oldest() == nil)
        task.cancel()
        await task.value
        try SegmentFactory.enqueue(rig.spool)  // after the end: stays in the spool
        try await Task.sleep(for: .milliseconds(200))
        #expect(server.requests.map(\.path) == ["/v1/segments/\(key)"])
        #expect(rig.spool.entries().count == 1)
    }
}
