import EarshotCloud
import EarshotWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The real `earshot-cloud` binary: `token create`, `serve --port 0` printing its address,
/// SIGTERM draining an in-flight request, and `kill -9` losing no stored prediction.
@Suite(.serialized) struct ServeCommandTests {
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("earshot-cloud").path
    }

    final class RunningServer {
        let process = Process()
        let output = Pipe()
        var baseURL = ""

        init(data: String, extra: [String] = []) throws {
            process.executableURL = URL(fileURLWithPath: ServeCommandTests.binary)
            process.arguments =
                [
                    "serve", "--port", "0", "--data", data, "--models", Repo.models, "--shared-data", Repo.sharedData, "--log-level",
                    "warning", "--no-understand-commands",
                ] + extra
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            let deadline = Date().addingTimeInterval(30)
            while !line.contains(UInt8(ascii: "\n")), Date() < deadline {
                line.append(output.fileHandleForReading.availableData)
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let range = text.range(of: "earshot-cloud listening on ") else {
                process.terminate()
                throw CloudError(.internalError, "serve did not print its address: '\(text)'")
            }
            baseURL = String(text[range.upperBound...].prefix { !$0.isNewline })
        }
    }

    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static func upload(_ baseURL: String, token: String, key: SegmentKey, wav: Data) async throws -> HTTPAnswer {
        let metadata = SegmentMetadata(
            key: key, wakeWord: "alexa", score: 0.9, model: ModelReference(name: "alexa", version: "1"),
            captureStart: Date(timeIntervalSince1970: 1_795_000_000), captureEnd: Date(timeIntervalSince1970: 1_795_000_030))
        var headers: [String: String] = [:]
        for (name, value) in SegmentUpload(metadata: metadata).metadataHeaders { headers[name] = value }
        return try await HTTP.send("PUT", baseURL + SegmentUpload.path(for: key), token: token, headers: headers, body: wav)
    }

    @Test func sigtermDrainsTheRequestInFlightAndKillNineLosesNothing() async throws {
        precondition(Repo.fetched)
        let folder = TemporaryFolder("serve")
        defer { folder.remove() }
        let token = try Self.run(["token", "create", "--device", "hall-pi", "--data", folder.path])
        #expect(token.status == 0)
        let tokenText = token.output.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(tokenText.hasPrefix("esk_hall-pi_"))

        let speech = try Repo.recording("alexa-en-us")
        var long: [Int16] = []
        // Four minutes of audio: long enough to compute that the upload is surely seen in flight,
        // even on a loaded machine.
        while long.count < 16_000 * 240 { long += speech }
        let wav = SegmentWAV.encode(samples: long)
        // A 5 s batching delay keeps the upload in flight long enough to be seen on a loaded machine
        // (other suites decode speech in parallel); the poll below waits up to two minutes a try.
        let first = try RunningServer(
            data: folder.path,
            extra: [
                "--workers", "1", "--max-seconds", "300", "--max-body", "\(wav.count + 1024)", "--max-batch", "8",
                "--max-batch-delay-ms", "5000",
            ])
        #expect(first.baseURL.hasPrefix("http://127.0.0.1:"))
        let firstURL = first.baseURL
        // SIGTERM once an upload is seen being handled (the /metrics request itself is the other
        // one in flight). On a loaded machine the test's own tasks can be held off the CPU for the
        // whole batching delay, and the upload is answered before a poll sees it: that upload is
        // stored all the same, and the next one (another key) is tried, up to five.
        var key = try SegmentKey(deviceID: "hall-pi", boot: 3, sequence: 1)
        var answer: HTTPAnswer?
        for attempt in 1...5 where answer == nil {
            key = try SegmentKey(deviceID: "hall-pi", boot: 3, sequence: attempt)
            let finished = Flag()
            let upload = Task { [key] in
                defer { finished.set() }
                return try await Self.upload(firstURL, token: tokenText, key: key, wav: wav)
            }
            var inFlightNow = 0.0
            let deadline = Date().addingTimeInterval(120)
            while inFlightNow < 2, !finished.isSet, Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
                let metrics = try await HTTP.send("GET", firstURL + "/metrics").text
                inFlightNow = metricValue(metrics, "earshot_http_requests_in_flight") ?? 0
            }
            if inFlightNow >= 2 {
                kill(first.process.processIdentifier, SIGTERM)
                answer = try await upload.value
            } else {
                let early = try await upload.value
                #expect(early.status == 200, "\(early.text)")
            }
        }
        let drained = try #require(answer, "no upload was seen in flight in five tries")
        #expect(drained.status == 200, "\(drained.text)")
        #expect(try drained.prediction().key == key)
        first.process.waitUntilExit()
        #expect(first.process.terminationReason == .exit)
        #expect(first.process.terminationStatus == 0)

        let second = try RunningServer(data: folder.path)
        let short = SegmentWAV.encode(samples: speech)
        let key2 = try SegmentKey(deviceID: "hall-pi", boot: 3, sequence: 100)
        let stored2 = try await Self.upload(second.baseURL, token: tokenText, key: key2, wav: short)
        #expect(stored2.status == 200)
        kill(second.process.processIdentifier, SIGKILL)
        second.process.waitUntilExit()

        let third = try RunningServer(data: folder.path)
        for (segmentKey, body) in [(key, drained.body), (key2, stored2.body)] {
            let stored = try await HTTP.send("GET", third.baseURL + "/v1/segments/\(segmentKey)", token: tokenText)
            #expect(stored.status == 200)
            #expect(stored.body == body)
        }
        kill(third.process.processIdentifier, SIGTERM)
        third.process.waitUntilExit()
        #expect(third.process.terminationStatus == 0)
    }

    /// Set once, read from any task.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    @Test func modelsCommandListsTheShippedVersion() throws {
        precondition(Repo.fetched)
        let result = try Self.run(["models", "--models", Repo.models, "--shared-data", Repo.sharedData])
        #expect(result.status == 0)
        #expect(result.output.contains("alexa"))
        #expect(result.output.contains("active"))
    }
}
