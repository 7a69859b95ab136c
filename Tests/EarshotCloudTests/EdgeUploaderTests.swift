import EarshotCloud
import EarshotEdge
import EarshotWire
import Foundation
import Logging
import Testing

/// The real edge delivery half (spool + libcurl ``CurlUploader`` + ``DeliveryLoop``) against the
/// live cloud.
@Suite(.serialized) struct EdgeUploaderTests {
    static func metadata(_ key: SegmentKey) -> SegmentMetadata {
        SegmentMetadata(
            key: key, wakeWord: "alexa", score: 0.91, model: ModelReference(name: "alexa", version: "1"),
            captureStart: Date(timeIntervalSince1970: 1_795_000_000), captureEnd: Date(timeIntervalSince1970: 1_795_000_003))
    }

    /// Waits on a thread of its own (the delivery loop's wait blocks).
    static func drained(_ loop: DeliveryLoop, timeout: Double) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: loop.waitUntilDrained(timeout: timeout)) }.start()
        }
    }

    @Test func theEdgeDeliveryLoopGetsEverySegmentVerifiedOnceAndDeadLettersABadOne() async throws {
        let folder = TemporaryFolder("edge-cloud")
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.file("cloud"))
        let tokenFile = folder.file("token")
        try (server.deviceToken + "\n").write(toFile: tokenFile, atomically: true, encoding: .utf8)
        var quiet = Logger(label: "test.edge")
        quiet.logLevel = .critical
        let spool = try Spool(configuration: SpoolConfiguration(directory: folder.file("spool")), deviceID: "kitchen-pi", logger: quiet)
        let uploader = try CurlUploader(
            configuration: UploaderConfiguration(baseURL: server.baseURL, tokenFile: tokenFile, connectTimeout: 2, requestTimeout: 30),
            logger: quiet)
        let loop = DeliveryLoop(spool: spool, uploader: uploader, backoff: BackoffPolicy(base: 0.05, cap: 0.2), logger: quiet)

        var expected: [SegmentKey: Bool] = [:]
        for (name, verified) in [("alexa-en-us", true), ("alexa-sentence", false), ("alexa-en-gb-rp", true)] {
            let key = spool.makeKey()
            try spool.enqueue(Self.metadata(key), wav: SegmentWAV.encode(samples: try Repo.recording(name)))
            expected[key] = verified
        }
        let silentKey = spool.makeKey()
        try spool.enqueue(Self.metadata(silentKey), wav: SegmentWAV.encode(samples: [Int16](repeating: 0, count: 16_000)))
        loop.start()
        #expect(await Self.drained(loop, timeout: 30))
        loop.stop()

        let counters = loop.counters()
        #expect(counters.uploaded == 3)
        #expect(counters.retried == 0)
        let deadLetters = try FileManager.default.contentsOfDirectory(atPath: spool.deadLetterDirectory)
        #expect(deadLetters.contains { $0.hasPrefix(silentKey.description) })
        for (key, verified) in expected {
            let stored = try await HTTP.send("GET", server.baseURL + "/v1/segments/\(key)", token: server.deviceToken)
            #expect(stored.status == 200)
            #expect(try stored.prediction().verified == verified)
        }

        // The same segment sent again (as after a crash between upload and delete) is answered
        // from the store, identically, and computes nothing.
        let key = spool.makeKey()
        let wav = SegmentWAV.encode(samples: try Repo.recording("alexa-en-us-slow"))
        let segment = SpooledSegment(
            entry: SpoolEntry(key: key, byteCount: wav.count, spooledAt: Date()), metadata: Self.metadata(key), wav: wav)
        let direct = try CurlUploader(
            configuration: UploaderConfiguration(baseURL: server.baseURL, tokenFile: tokenFile, connectTimeout: 2, requestTimeout: 30),
            logger: quiet)  // the loop's uploader is cancelled by stop()
        let first = direct.upload(segment)
        let second = direct.upload(segment)
        guard case .delivered(200, let firstPrediction?) = first, case .delivered(200, let secondPrediction?) = second else {
            Issue.record("expected two deliveries with predictions, got \(first) and \(second)")
            await server.stop()
            return
        }
        #expect(firstPrediction == secondPrediction)
        #expect(firstPrediction.key == key && firstPrediction.verified)
        let metrics = try await HTTP.send("GET", server.baseURL + "/metrics").text
        #expect(metricValue(metrics, "earshot_idempotent_replays_total") == 1)
        #expect(metricValue(metrics, #"earshot_inference_seconds_count{model="alexa",version="1"}"#) == 4)
        await server.stop()
    }
}
