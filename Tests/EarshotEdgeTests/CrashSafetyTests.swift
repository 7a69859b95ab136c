import EarshotAudio
import EarshotEdge
import EarshotWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` of the real agent (`earshot-edge run`, built beside this test binary) at random
/// moments while it spools and uploads, then restarts: nothing that reached the disk is lost,
/// nothing torn is delivered, no key arrives with two contents.
@Suite struct CrashSafetyTests {
    /// The agent executable next to the test bundle (same build folder).
    static let agent = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("earshot-edge").path

    static let cycles = 40

    /// Wake phrase, command, silence — again and again: a stream full of segments.
    static func busyStream() throws -> [Int16] {
        let wake = try AudioFileReader.readAll(
            path: DetectionFixtures.repositoryRoot.appendingPathComponent("Tests/EarshotEdgeTests/Fixtures/wake-words/alexa_en-us.wav").path
        )
        let command = try AudioFileReader.readAll(
            path: DetectionFixtures.sharedData.appendingPathComponent("pocketsphinx_test/goforward.wav").path)
        let cycle = wake + command + [Int16](repeating: 0, count: 16_000)
        return Array((0..<cycles).map { _ in cycle }.joined())
    }

    private func runAgent(_ arguments: [String], killAfter lifetime: Double?) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.agent)
        process.arguments = ["run"] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let lifetime {
            Thread.sleep(forTimeInterval: lifetime)
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        return process
    }

    @Test func killMinusNineDuringSpoolWritesAndUploadsLosesNothing() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.agent), "build earshot-edge first (swift build --build-tests builds it)")
        let server = try TestHTTPServer { request in
            .delay(0.05, then: TestHTTPServer.okPrediction(request))  // uploads take a while: kills land mid-request
        }
        defer { server.stop() }
        let folder = TemporaryFolder("crash")
        defer { folder.remove() }
        let stream = try Self.busyStream()
        let input = folder.file("busy.wav")
        try WAVWriter.write(stream, to: input)
        let spool = folder.file("spool")
        let common = [
            "--model", try DetectionFixtures.manifest("alexa"), "--spool", spool, "--device-id", "crashy",
            "--cloud", server.baseURL, "--token-file", folder.write("t", to: "token"), "--log-level", "error",
        ]

        var spooled = Set<String>()
        for lifetime in [1.5, 0.9, 2.2] {
            let agent = try runAgent(common + ["--file", input], killAfter: lifetime)
            #expect(agent.terminationReason == .uncaughtSignal, "the agent ended before it was killed")
            // What reached the disk: every entry in the queue now must arrive in the end.
            let queue = (try? FileManager.default.contentsOfDirectory(atPath: spool + "/queue")) ?? []
            spooled.formUnion(queue.filter { $0.hasSuffix(".seg") }.map { String($0.dropLast(4)) })
        }
        // A last, clean start on a silent input: it delivers what is left and exits.
        let silence = folder.file("silence.wav")
        try WAVWriter.write([Int16](repeating: 0, count: 1_600), to: silence)
        let drain = try runAgent(common + ["--file", silence, "--drain-timeout", "30"], killAfter: nil)
        #expect(drain.terminationStatus == 0)

        #expect(((try? FileManager.default.contentsOfDirectory(atPath: spool + "/corrupt")) ?? []).isEmpty, "a torn entry was found")
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: spool + "/queue")) ?? []).filter { $0.hasSuffix(".seg") }.isEmpty)
        var bodies: [String: Data] = [:]
        for request in server.requests {
            let key = String(request.path.dropFirst("/v1/segments/".count))
            #expect(request.headers["idempotency-key"] == key)
            if let earlier = bodies[key] { #expect(earlier == request.body, "\(key) arrived with two contents") }
            bodies[key] = request.body
        }
        #expect(Set(bodies.keys.map { try! SegmentKey(parsing: $0).boot }).count >= 3, "every run delivered something")
        #expect(bodies.count >= 10)
        for key in spooled { #expect(bodies[key] != nil, "\(key) was on disk but never arrived") }
        // Every delivered segment is an untorn piece of what the agent heard. The stream repeats
        // one cycle, so a piece found anywhere is also found starting within the first cycle.
        let cycle = stream.count / Self.cycles
        for (key, body) in bodies {
            let info = try SegmentWAV.inspect(body)
            let samples: [Int16] = body.withUnsafeBytes { bytes in
                (0..<info.sampleCount).map {
                    Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: info.dataOffset + 2 * $0, as: Int16.self))
                }
            }
            let found = stream.withUnsafeBufferPointer { heard in
                samples.withUnsafeBufferPointer { piece in
                    (0..<cycle).contains { offset in
                        offset + piece.count <= heard.count && heard[offset] == piece[0] && heard[offset + 1] == piece[1]
                            && memcmp(heard.baseAddress! + offset, piece.baseAddress!, piece.count * 2) == 0
                    }
                }
            }
            #expect(found, "\(key) is not a piece of the input")
        }
    }
}
