import EarshotEdge
import EarshotWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` of a process that spools and uploads, at random moments, then a restart: nothing
/// that reached the disk is lost, nothing torn is delivered, no key arrives with two contents.
///
/// The child process is this test binary itself, run again with a filter that selects
/// ``CrashChild/spoolAndUploadUntilKilled()`` and the environment telling it what to do, so no
/// helper executable and no `fork` are needed.
@Suite struct CrashSafetyTests {
    @Test func killMinusNineDuringSpoolWritesAndUploadsLosesNothing() throws {
        let server = try TestHTTPServer { request in
            .delay(0.02, then: TestHTTPServer.okPrediction(request))  // uploads take a while: kills land mid-request
        }
        defer { server.stop() }
        let folder = TemporaryFolder("crash")
        defer { folder.remove() }
        let spoolPath = folder.file("spool")

        var acknowledged: [[SegmentKey]] = []
        for (round, lifetime) in [1.0, 0.7, 1.3].enumerated() {
            let progress = folder.file("progress-\(round)")
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            child.arguments = ["--testing-library", "swift-testing", "--filter", "spoolAndUploadUntilKilled"]
            var environment = ProcessInfo.processInfo.environment
            environment[CrashChild.spoolVariable] = spoolPath
            environment[CrashChild.progressVariable] = progress
            environment[CrashChild.urlVariable] = server.baseURL
            child.environment = environment
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            Thread.sleep(forTimeInterval: lifetime)
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)
            let lines = (try? String(contentsOfFile: progress, encoding: .utf8)) ?? ""
            acknowledged.append(try lines.split(separator: "\n").map { try SegmentKey(parsing: String($0)) })
        }
        #expect(acknowledged.allSatisfy { !$0.isEmpty })
        #expect(Set(acknowledged.map { $0.first?.boot }).count == 3)  // one boot per start

        // Restart once more and deliver what is left.
        let spool = try Spool(configuration: SpoolConfiguration(directory: spoolPath), deviceID: "crashy", logger: LogCapture().logger())
        let token = folder.write("t", to: "token")
        let loop = DeliveryLoop(
            spool: spool,
            uploader: try CurlUploader(configuration: UploaderConfiguration(baseURL: server.baseURL, tokenFile: token)),
            backoff: BackoffPolicy(base: 0.05, cap: 0.2), logger: LogCapture().logger())
        loop.start()
        #expect(loop.waitUntilDrained(timeout: 15))
        loop.stop()

        #expect(try FileManager.default.contentsOfDirectory(atPath: spool.corruptDirectory).isEmpty)
        #expect(spool.counters().corrupt == 0)
        var bodies: [SegmentKey: Data] = [:]
        for request in server.requests {
            let key = try SegmentKey(parsing: String(request.path.dropFirst("/v1/segments/".count)))
            #expect(request.headers["idempotency-key"] == key.description)
            #expect(request.body == CrashChild.wav(key), "\(key) arrived with other content")
            if let earlier = bodies[key] { #expect(earlier == request.body) }
            bodies[key] = request.body
        }
        let received = Set(bodies.keys)
        #expect(received.count >= 10)
        for key in acknowledged.joined() {
            #expect(received.contains(key), "\(key) was spooled but never arrived")
        }
        // A child may be killed after enqueue returned but before it noted the key: at most one such key per child.
        #expect(received.subtracting(acknowledged.joined()).count <= acknowledged.count)
    }
}

/// The child side of ``CrashSafetyTests``: enabled only when the parent sets the environment.
@Suite struct CrashChild {
    static let spoolVariable = "EARSHOT_CRASH_CHILD_SPOOL"
    static let progressVariable = "EARSHOT_CRASH_CHILD_PROGRESS"
    static let urlVariable = "EARSHOT_CRASH_CHILD_URL"

    /// The audio of `key`: its length and samples follow from the key, so the parent can check it.
    static func wav(_ key: SegmentKey) -> Data { SegmentFactory.wav(key, samples: 800 + key.sequence % 7 * 4000) }

    @Test(.enabled(if: ProcessInfo.processInfo.environment[CrashChild.spoolVariable] != nil))
    func spoolAndUploadUntilKilled() throws {
        let environment = ProcessInfo.processInfo.environment
        let spoolPath = try #require(environment[Self.spoolVariable])
        let progressPath = try #require(environment[Self.progressVariable])
        let url = try #require(environment[Self.urlVariable])
        let token = spoolPath + "-token"
        _ = FileManager.default.createFile(atPath: token, contents: Data("t".utf8))
        let spool = try Spool(configuration: SpoolConfiguration(directory: spoolPath), deviceID: "crashy")
        let loop = DeliveryLoop(
            spool: spool, uploader: try CurlUploader(configuration: UploaderConfiguration(baseURL: url, tokenFile: token)),
            backoff: BackoffPolicy(base: 0.05, cap: 0.2))
        loop.start()
        let progress = open(progressPath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        let deadline = Date().addingTimeInterval(20)  // never outlive a parent that died
        while Date() < deadline {
            let key = spool.makeKey()
            try spool.enqueue(SegmentFactory.metadata(key), wav: Self.wav(key))
            let line = Array("\(key)\n".utf8)
            _ = line.withUnsafeBytes { write(progress, $0.baseAddress, $0.count) }
            Thread.sleep(forTimeInterval: Double.random(in: 0...0.01))
        }
        exit(0)
    }
}
