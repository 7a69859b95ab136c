import EarshotCloud
import EarshotWire
import Foundation
import Testing

/// Model versions: card checks at load, refusal of a failing version while the old one serves,
/// admin load / activate / rollback without a restart.
@Suite(.serialized) struct ModelVersionTests {
    /// A models folder with `alexa/1` (the shipped card and model) and more versions made by
    /// copying it with changes.
    struct ModelsFolder {
        let folder = TemporaryFolder("models")
        var path: String { folder.path }

        init() throws {
            precondition(Repo.fetched)
            try addVersion("1")
        }

        /// Copies alexa/1 as `version`, letting `edit` change the card's JSON and choose the model file.
        func addVersion(_ version: String, modelFile: String? = nil, edit: (inout [String: Any]) -> Void = { _ in }) throws {
            let fileManager = FileManager.default
            let source = Repo.models + "/alexa/1"
            let target = path + "/alexa/" + version
            try fileManager.createDirectory(atPath: target, withIntermediateDirectories: true)
            try fileManager.createSymbolicLink(atPath: target + "/test-set", withDestinationPath: source + "/test-set")
            try fileManager.copyItem(atPath: modelFile ?? source + "/model.tflite", toPath: target + "/model.tflite")
            var card =
                try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/card.json"))) as! [String: Any]
            card["version"] = version
            edit(&card)
            try JSONSerialization.data(withJSONObject: card).write(to: URL(fileURLWithPath: target + "/card.json"))
        }
    }

    @Test func theShippedCardPassesItsChecks() throws {
        precondition(Repo.fetched)
        let registry = ModelRegistry(directory: Repo.models, dataDirectory: Repo.sharedData)
        let statuses = registry.loadAll().filter { $0.name == "alexa" }  // the trained verifiers lie beside it
        #expect(statuses.map(\.state) == ["active"])
        let model = try #require(registry.active("alexa"))
        #expect(model.checks.passed)
        #expect(model.checks.metric == 1)
        #expect(model.checks.cases.count == 8)
        #expect(model.checks.cases.filter(\.verified).count == 4)
        // The card's expected scores come from pymicro-wakeword with LiteRT (the reference):
        // ours agree within one quantum of the model's uint8 output averaged over the window.
        let quantum = 1.0 / 256 / 5 + 1e-9
        for (test, result) in zip(model.card.testSet, model.checks.cases) {
            let expected = try #require(test.expectedScore)
            #expect(abs(result.score - expected) <= quantum, "\(test.file): \(result.score) vs reference \(expected)")
        }
    }

    @Test func aVersionThatFailsItsChecksIsRefusedAndTheOldOneKeepsServing() async throws {
        let models = try ModelsFolder()
        defer { models.folder.remove() }
        // Version 2 is another wake word's model under alexa's card: it misses every "Alexa".
        let otherModel = Repo.referenceModels + "/okay_nabu.tflite"
        try models.addVersion("2", modelFile: otherModel) { $0["model_sha256"] = nil }
        let data = TemporaryFolder()
        defer { data.remove() }
        let server = try await LiveServer(dataDirectory: data.path, modelsDirectory: models.path)
        let states = Dictionary(uniqueKeysWithValues: server.server.registry.list().map { ($0.version, $0) })
        #expect(states["1"]?.state == "active")
        #expect(states["2"]?.state == "refused")
        #expect(states["2"]?.reason?.contains("verified false, expected true") == true)
        #expect(try await HTTP.send("GET", server.baseURL + "/health/ready").status == 200)

        let wav = SegmentWAV.encode(samples: try Repo.recording("alexa-en-us"))
        let answer = try await HTTP.upload(server, key: testKey(1), wav: wav)
        #expect(try answer.prediction().models.first?.version == "1")

        let admin = LiveServer.adminToken
        let load2 = try await HTTP.send("POST", server.baseURL + "/v1/models/alexa/versions/2/load", token: admin)
        #expect(load2.status == 422)
        #expect(load2.errorCode == "model_refused")
        #expect(try await HTTP.upload(server, key: testKey(2), wav: wav).prediction().models.first?.version == "1")

        // A new version placed while the server runs: loaded, activated, rolled back.
        try models.addVersion("3")
        let load3 = try await HTTP.send("POST", server.baseURL + "/v1/models/alexa/versions/3/load", token: admin)
        #expect(load3.status == 200, "\(load3.text)")
        #expect(load3.text.contains(#""active":"1""#))
        let activate = try await HTTP.send("POST", server.baseURL + "/v1/models/alexa/versions/3/activate", token: admin)
        #expect(activate.status == 200)
        #expect(try await HTTP.upload(server, key: testKey(3), wav: wav).prediction().models.first?.version == "3")
        let activate2 = try await HTTP.send("POST", server.baseURL + "/v1/models/alexa/versions/2/activate", token: admin)
        #expect(activate2.status == 404)

        let rollback = try await HTTP.send("POST", server.baseURL + "/v1/models/alexa/rollback", token: admin)
        #expect(rollback.status == 200)
        #expect(try await HTTP.upload(server, key: testKey(4), wav: wav).prediction().models.first?.version == "1")
        let nothingLeft = try await HTTP.send("POST", server.baseURL + "/v1/models/alexa/rollback", token: admin)
        #expect(nothingLeft.status == 409)

        let list = try await HTTP.send("GET", server.baseURL + "/v1/models", token: admin)
        #expect(list.status == 200)
        #expect(list.text.contains(#""state":"refused""#))
        await server.stop()
    }

    @Test func brokenCardsAndFilesAreRefusedWithTheReason() throws {
        let models = try ModelsFolder()
        defer { models.folder.remove() }
        let garbage = models.folder.file("garbage.tflite")
        try Data("not a flatbuffer".utf8).write(to: URL(fileURLWithPath: garbage))
        try models.addVersion("2", modelFile: garbage) { $0["model_sha256"] = nil }
        try models.addVersion("3") { $0["model_sha256"] = String(repeating: "0", count: 64) }
        try models.addVersion("4") { $0["thresholds"] = nil }
        try models.addVersion("5") { card in
            var tests = card["test_set"] as! [[String: Any]]
            tests[0]["file"] = "test-set/no-such-recording.wav"
            card["test_set"] = tests
        }
        let registry = ModelRegistry(directory: models.path, dataDirectory: Repo.sharedData)
        let statuses = Dictionary(uniqueKeysWithValues: registry.loadAll().map { ($0.version, $0) })
        #expect(statuses["1"]?.state == "active")
        #expect(statuses["2"]?.reason?.contains("not a usable model") == true)
        #expect(statuses["3"]?.reason?.contains("SHA-256") == true)
        #expect(statuses["4"]?.reason?.contains("thresholds") == true)
        #expect(statuses["5"]?.reason?.contains("no-such-recording.wav") == true)
        #expect(registry.active("alexa")?.card.version == "1")
    }
}
