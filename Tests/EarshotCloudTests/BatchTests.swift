import EarshotCloud
import EarshotWire
import Foundation
import Testing

/// Batch inputs, shards, resumable output, the runner on all cores, and `POST /v1/batches`.
@Suite(.serialized) struct BatchTests {
    static var testSet: String { Repo.models + "/alexa/1/test-set" }

    @Test func inputsFromDirectoriesManifestsAndGlobs() throws {
        precondition(Repo.fetched)
        let folder = TemporaryFolder("batch")
        defer { folder.remove() }
        let fromDirectory = try BatchInputs.items([Self.testSet])
        #expect(fromDirectory.count == 5)
        #expect(fromDirectory.map(\.key) == fromDirectory.map(\.key).sorted())
        #expect(fromDirectory.first?.key == "alexa-en-gb-rp.wav")

        try "# key\tfile\nk1\t\(Self.testSet)/alexa-en-us.wav\nk2\t\(Self.testSet)/alexa-sentence.wav\n"
            .write(toFile: folder.file("list.tsv"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: folder.file("rec.wav"), withDestinationPath: Self.testSet + "/alexa-en-gb.wav")
        try #"{"key": "j1", "file": "rec.wav"}"#.write(toFile: folder.file("manifest.jsonl"), atomically: true, encoding: .utf8)
        let manifests = try BatchInputs.items([folder.file("list.tsv"), folder.file("manifest.jsonl")])
        #expect(manifests.map(\.key) == ["k1", "k2", "j1"])
        #expect(manifests[2].file == folder.file("rec.wav"))

        let globbed = try BatchInputs.items([Self.testSet + "/alexa-en-*.wav"])
        #expect(
            globbed.map { URL(fileURLWithPath: $0.file).lastPathComponent } == [
                "alexa-en-gb-rp.wav", "alexa-en-gb.wav", "alexa-en-us-slow.wav", "alexa-en-us.wav",
            ])
        #expect(throws: CloudError.self) { try BatchInputs.items([folder.file("missing")]) }
        try "k1\n".write(toFile: folder.file("bad.txt"), atomically: true, encoding: .utf8)
        #expect(throws: CloudError.self) { try BatchInputs.items([folder.file("bad.txt")]) }
    }

    @Test func shardsPartitionTheItems() throws {
        let items = (0..<200).map { BatchItem(key: "key-\($0)", file: "f\($0).wav") }
        let shards = (0..<8).map { BatchInputs.shard(items, index: $0, count: 8) }
        #expect(shards.map(\.count).reduce(0, +) == 200)
        #expect(Set(shards.flatMap { $0 }.map(\.key)).count == 200)
        #expect(shards.allSatisfy { $0.count > 5 })
        #expect(try BatchInputs.parseShard("3/8") == (3, 8))
        #expect(throws: CloudError.self) { try BatchInputs.parseShard("8/8") }
        #expect(throws: CloudError.self) { try BatchInputs.parseShard("x") }
    }

    @Test func theOutputFileResumesAfterATornLine() throws {
        let folder = TemporaryFolder("batch")
        defer { folder.remove() }
        let path = folder.file("out.jsonl")
        try (#"{"key":"a","file":"a.wav"}"# + "\n" + #"{"key":"b","file":"b.wav"}"# + "\n" + #"{"key":"c","fi"#)
            .write(toFile: path, atomically: true, encoding: .utf8)
        let output = try BatchOutputFile(path: path)
        #expect(output.doneKeys == ["a", "b"])
        try output.append(BatchResult(file: "c.wav", key: "c", verified: false, score: 0).jsonLine())
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines[2].contains(#""key":"c""#))
    }

    @Test func theRunnerScoresEveryItemOnAllWorkersAndReportsBadFiles() async throws {
        precondition(Repo.fetched)
        let folder = TemporaryFolder("batch")
        defer { folder.remove() }
        try Data("not a wav".utf8).write(to: URL(fileURLWithPath: folder.file("broken.wav")))
        let registry = ModelRegistry(directory: Repo.models, dataDirectory: Repo.sharedData)
        registry.loadAll()
        let model = try #require(registry.active("alexa"))
        let pool = InferencePool(workers: 2)
        defer { pool.shutdown() }
        let items = try BatchInputs.items([Self.testSet, folder.file("broken.wav")])
        var results: [String: BatchResult] = [:]
        try await BatchRunner(model: model, pool: pool).run(items) { results[$0.key] = $0 }
        #expect(results.count == 6)
        #expect(results.values.filter { $0.verified == true }.count == 4)
        #expect(results["alexa-sentence.wav"]?.verified == false)
        #expect(results[folder.file("broken.wav")]?.error?.code == "invalid_audio")

        // The plain loop gives the same answers.
        let verifier = try WakeWordVerifier(model: model)
        for item in items {
            #expect(BatchRunner.scoreInline(item, verifier: verifier).score == results[item.key]?.score)
        }
    }

    @Test func aBatchJobOverHTTPReportsProgressAndResultsByKey() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path)
        let admin = LiveServer.adminToken
        let body = try JSONSerialization.data(withJSONObject: ["inputs": [Self.testSet]])
        let denied = try await HTTP.send("POST", server.baseURL + "/v1/batches", token: server.deviceToken, body: body)
        #expect(denied.status == 403)
        let submitted = try await HTTP.send("POST", server.baseURL + "/v1/batches", token: admin, body: body)
        #expect(submitted.status == 202, "\(submitted.text)")
        let job = try WireJSON.decode(BatchJobRecord.self, from: submitted.body)
        #expect(job.total == 5)
        var record = job
        for _ in 0..<100 where record.status == "running" {
            try await Task.sleep(for: .milliseconds(100))
            record = try WireJSON.decode(
                BatchJobRecord.self, from: try await HTTP.send("GET", server.baseURL + "/v1/batches/\(job.id)", token: admin).body)
        }
        #expect(record.status == "done")
        #expect(record.completed == 5 && record.failed == 0)
        let all = try await HTTP.send("GET", server.baseURL + "/v1/batches/\(job.id)/results", token: admin)
        #expect(all.text.split(separator: "\n").count == 5)
        let one = try await HTTP.send("GET", server.baseURL + "/v1/batches/\(job.id)/results?key=alexa-en-us.wav", token: admin)
        let line = try WireJSON.decode(BatchResult.self, from: one.body)
        #expect(line.verified == true)
        let bad = try await HTTP.send(
            "POST", server.baseURL + "/v1/batches", token: admin,
            body: try JSONSerialization.data(withJSONObject: ["inputs": ["/no/such/dir"]]))
        #expect(bad.status == 400)
        #expect(bad.text.contains("no such file"))
        await server.stop()
    }
}
