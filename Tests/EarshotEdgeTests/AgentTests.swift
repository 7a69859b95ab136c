import EarshotAudio
import EarshotWire
import Foundation
import Testing

@testable import EarshotEdge

/// The whole agent with real parts: ALSA capture through the `file` plugin, the detection
/// pipeline with a real model, the spool on disk and libcurl uploading to a live server.
@Suite(.serialized) struct AgentTests {
    /// One second of silence, a wake phrase, a real spoken command, two seconds of silence.
    private static func scene() throws -> [Int16] {
        let wake = try AudioFileReader.readAll(
            path: DetectionFixtures.repositoryRoot.appendingPathComponent("Tests/EarshotEdgeTests/Fixtures/wake-words/alexa_en-us.wav").path
        )
        let command = try AudioFileReader.readAll(
            path: DetectionFixtures.sharedData.appendingPathComponent("pocketsphinx_test/goforward.wav").path)
        let quiet = [Int16](repeating: 0, count: 16_000)
        return quiet + wake + command + quiet + quiet
    }

    @Test func aWakeWordHeardThroughALSAReachesTheCloudAsOneKeyedSegment() throws {
        let folder = TemporaryFolder("agent")
        defer { folder.remove() }
        let samples = try Self.scene()
        let raw = folder.file("scene.raw")
        try samples.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: raw)) }
        let alsaConfiguration =
            """
            pcm.earshot_agent_test {
                type file
                slave.pcm "null"
                file "/dev/null"
                infile "\(raw)"
                format "raw"
            }
            """

        let server = try TestHTTPServer()
        defer { server.stop() }
        var configuration = AgentConfiguration(models: [try DetectionFixtures.manifest("alexa")])
        configuration.deviceID = "test-pi"
        configuration.spoolDirectory = folder.file("spool")
        configuration.cloudURL = server.baseURL
        configuration.tokenFile = folder.write("secret-token\n", to: "token")
        configuration.statusInterval = 0.5
        let logs = LogCapture()
        let agent = try EdgeAgent(configuration: configuration, logger: logs.logger("agent"))
        let capture = try ALSACapture(configuration: .init(device: "earshot_agent_test", extraConfiguration: alsaConfiguration))
        let seconds = Double(samples.count) / 16_000
        // The null slave keeps no time, so capture runs faster than real time; past the end of
        // the recording the plugin repeats its last (silent) period. Listen until the scene has
        // been heard and the spool has drained (uploads run beside the listening).
        let deadline = Date().addingTimeInterval(15)
        try agent.run(source: capture) {
            (agent.currentStatus().audioSeconds >= seconds && agent.spool.entries().isEmpty && agent.currentStatus().segments > 0)
                || Date() > deadline
        }

        let status = agent.currentStatus()
        #expect(status.triggers == 1)
        #expect(status.segments == 1)
        let requests = server.requests
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request.path == "/v1/segments/test-pi.b000001.s000000")
        #expect(request.headers["idempotency-key"] == "test-pi.b000001.s000000")
        #expect(request.headers["x-earshot-wake-word"] == "alexa")
        #expect(request.headers["authorization"] == "Bearer secret-token")

        // The uploaded audio is a contiguous piece of what the microphone heard, from before
        // the wake phrase to after the command.
        let info = try SegmentWAV.inspect(request.body)
        let uploaded: [Int16] = request.body.withUnsafeBytes { bytes in
            (0..<info.sampleCount).map {
                Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: info.dataOffset + 2 * $0, as: Int16.self))
            }
        }
        let wakeStart = 16_000 + 4_800  // the phrase's clip opens with 0.3 s of silence
        let commandEnd = samples.count - 32_000
        let start = try #require(
            (0...(samples.count - uploaded.count)).first { offset in
                samples[offset..<(offset + 200)].elementsEqual(uploaded.prefix(200))
                    && samples[offset..<(offset + uploaded.count)].elementsEqual(uploaded)
            }, "uploaded audio is not a piece of the captured stream")
        #expect(start <= wakeStart - 4_000, "the segment starts \(Double(wakeStart - start) / 16_000) s before the wake phrase")
        #expect(start + uploaded.count >= commandEnd - 8_000, "the segment ends before the command does")
        #expect(FileManager.default.fileExists(atPath: configuration.spoolDirectory + "/status.json"))
        #expect(agent.spool.entries().isEmpty, "a delivered segment leaves the spool")
    }
}

@Suite struct AgentConfigurationTests {
    @Test func theExampleConfigurationLoads() throws {
        let path = DetectionFixtures.repositoryRoot.appendingPathComponent("scripts/edge/earshot-edge.example.json").path
        let configuration = try AgentConfiguration.load(path: path)
        #expect(configuration.deviceID == "kitchen-pi")
        #expect(configuration.spoolMaxBytes == 64 * 1024 * 1024)
        #expect(configuration.trailingSilence == 0.7)
        try configuration.validate()
    }

    @Test func missingFieldsTakeDefaultsAndBadOnesAreNamed() throws {
        let folder = TemporaryFolder("config")
        defer { folder.remove() }
        let minimal = try AgentConfiguration.load(path: folder.write(#"{"models": ["m.json"]}"#, to: "a.json"))
        #expect(minimal.preRoll == 0.5 && minimal.maxSegmentLength == 8 && minimal.verifyTLS)
        #expect(minimal.fastCutoff == nil)
        let fast = try AgentConfiguration.load(path: folder.write(#"{"models": ["m.json"], "fast_cutoff": 0.95}"#, to: "f.json"))
        #expect(fast.fastCutoff == 0.95)
        var tooHigh = fast
        tooHigh.fastCutoff = 1
        #expect { try tooHigh.validate() } throws: { "\($0)".contains("fast cutoff 1") }
        #expect {
            try AgentConfiguration.load(path: folder.write(#"{"models": ["m.json"], "pre_roll": "half a second"}"#, to: "b.json"))
        } throws: { "\($0)".contains("b.json") && "\($0)".contains("pre_roll") }
        var noToken = AgentConfiguration(models: ["m.json"])
        noToken.cloudURL = "https://cloud"
        #expect(throws: EdgeError.self) { try noToken.validate() }
        #expect(throws: EdgeError.self) { try AgentConfiguration().validate() }
    }
}
