import EarshotAudio
import EarshotCloud
import EarshotIntent
import EarshotRecognition
import EarshotWire
import Foundation
import Testing

/// Speech-to-intent with the real recognizer (PocketSphinx, Debian's en-us model) and the
/// shipped smart-home context, on synthesized recordings in `cloud-models/smart-home/1/test-set`.
@Suite(.serialized) struct UnderstandingTests {
    static let contextFolder = Repo.models + "/smart-home/1"

    static func recording(_ name: String) throws -> [Int16] {
        try AudioFileReader.readAll(path: contextFolder + "/test-set/\(name).wav")
    }

    static let recognizer: PocketSphinxRecognizer? = try? PocketSphinxRecognizer(
        PocketSphinxConfiguration(decoders: 1, options: CommandUnderstanding.decoderOptions))

    static func loadedContext() throws -> LoadedContext {
        let recognizer: PocketSphinxRecognizer = try #require(recognizer)
        let registry = ContextRegistry(directory: Repo.models, recognizer: recognizer)
        return try registry.load(name: "smart-home", version: "1")
    }

    @Test func aCommandAfterTheWakeWordIsUnderstood() throws {
        let understanding = CommandUnderstanding(recognizer: try #require(Self.recognizer))
        let context = try Self.loadedContext()
        let kitchen = try understanding.understand(try Self.recording("alexa-kitchen-lights-on"), context: context, wakeWord: "alexa")
        #expect(kitchen.result == .understood(intent: "changeLights", slots: ["state": "on", "room": "kitchen"]), "\(kitchen)")
        #expect(kitchen.transcript.hasSuffix("the kitchen lights"), "\(kitchen)")
        let timer = try understanding.understand(try Self.recording("computer-timer-ten-minutes"), context: context, wakeWord: "computer")
        #expect(timer.result == .understood(intent: "setTimer", slots: ["minutes": "10"]), "\(timer)")
        #expect(timer.recognizeSeconds > 0)
    }

    @Test func speechOutsideTheContextIsNotUnderstoodAndNotGuessed() throws {
        let understanding = CommandUnderstanding(recognizer: try #require(Self.recognizer))
        let context = try Self.loadedContext()
        let weather = try understanding.understand(try Self.recording("alexa-weather-paris"), context: context, wakeWord: "alexa")
        #expect(!weather.result.isUnderstood, "\(weather)")
        #expect(weather.transcript.contains("weather"), "the free-form transcript comes back: \(weather)")
        // Read speech from a novel, with a wake word the context does not hear.
        let novel = try AudioFileReader.readAll(path: Repo.sharedData + "/pocketsphinx_test/sense_and_sensibility_01_austen_64kb-0890.wav")
        let reading = try understanding.understand(novel, context: context, wakeWord: "computer")
        #expect(!reading.result.isUnderstood, "\(reading)")
    }

    @Test func theGrammarAllowsTheWakeWordFirstAndTheParserDropsIt() throws {
        let context = try Self.loadedContext()
        let grammar = context.grammar(wakeWord: "hey_jarvis")
        #expect(grammar.jsgf.contains("public <utterance> = [hey jarvis] <command>;"))
        #expect(!grammar.jsgf.contains("public <command>"))
        #expect(grammar.id == "smart-home@1+hey_jarvis")
        #expect(context.strippingWakeWord("hey jarvis stop the music", wakeWord: "hey_jarvis") == "stop the music")
        #expect(context.strippingWakeWord("stop the music", wakeWord: "alexa") == "stop the music")
    }

    @Test func aContextThatFailsItsChecksIsRefusedAndTheActiveVersionStays() throws {
        let folder = TemporaryFolder("contexts")
        defer { folder.remove() }
        let good = folder.path + "/home/1"
        let bad = folder.path + "/home/2"
        let unknownWord = folder.path + "/home/3"
        for version in [good, bad, unknownWord] { try FileManager.default.createDirectory(atPath: version, withIntermediateDirectories: true) }
        func write(_ folder: String, yaml: String, expected: String) throws {
            try yaml.write(toFile: folder + "/context.yaml", atomically: true, encoding: .utf8)
            let card = """
                {"name": "home", "version": "\((folder as NSString).lastPathComponent)", "kind": "context", "role": "intent",
                 "context_file": "context.yaml",
                 "test_set": [{"transcript": "turn on the kitchen lights", "expected_intent": "\(expected)",
                               "expected_slots": {"state": "on"}}]}
                """
            try card.write(toFile: folder + "/card.json", atomically: true, encoding: .utf8)
        }
        let yaml = """
            context:
              expressions:
                lights:
                  - "turn $state:state the kitchen lights"
              slots:
                state: [on, off]
            """
        try write(good, yaml: yaml, expected: "lights")
        try write(bad, yaml: yaml, expected: "somethingElse")
        try write(unknownWord, yaml: yaml.replacingOccurrences(of: "kitchen", with: "kitchenette zorblax"), expected: "lights")
        let recognizer: PocketSphinxRecognizer = try #require(Self.recognizer)
        let registry = ContextRegistry(directory: folder.path, recognizer: recognizer)
        let statuses = registry.loadAll()
        #expect(statuses.map(\.state) == ["active", "refused", "refused"], "\(statuses)")
        #expect(statuses[1].reason?.contains("expected somethingElse") == true, "\(statuses[1])")
        #expect(statuses[2].reason?.contains("zorblax") == true, "\(statuses[2])")
        #expect(registry.active("home")?.card.version == "1")
    }

    @Test func theServiceAnswersWithTranscriptIntentAndSlots() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path, understandsCommands: true)
        #expect(try await HTTP.send("GET", server.baseURL + "/health/ready").status == 200, "models and contexts loaded")
        let kitchen = try await HTTP.upload(
            server, key: testKey(41), wav: SegmentWAV.encode(samples: try Self.recording("alexa-kitchen-lights-on")))
        #expect(kitchen.status == 200, "\(kitchen.text)")
        let prediction = try kitchen.prediction()
        #expect(prediction.verified)
        #expect(prediction.understood == true, "\(kitchen.text)")
        #expect(prediction.intent == "changeLights")
        #expect(prediction.slots == ["state": "on", "room": "kitchen"])
        #expect(prediction.models.map(\.role) == ["verifier", "recognizer", "intent"])
        #expect(prediction.models.last == ModelReference(name: "smart-home", version: "1", role: "intent"))
        #expect(prediction.timings.stages?["recognize"] ?? 0 > 0)
        let grammarPass = prediction.timings.stages?["recognize_grammar"] ?? 0
        let freePass = prediction.timings.stages?["recognize_free"] ?? 0
        #expect(grammarPass > 0 && freePass > 0)
        #expect(prediction.timings.stages?["recognize"] == max(grammarPass, freePass))
        #expect(prediction.timings.inferenceMilliseconds <= prediction.timings.totalMilliseconds)

        let weather = try await HTTP.upload(
            server, key: testKey(42), wav: SegmentWAV.encode(samples: try Self.recording("alexa-weather-paris")))
        let notUnderstood = try weather.prediction()
        #expect(notUnderstood.verified)
        #expect(notUnderstood.understood == false, "\(weather.text)")
        #expect(notUnderstood.intent == nil && notUnderstood.slots == nil)
        #expect(notUnderstood.transcript?.isEmpty == false)

        let unknown = try await HTTP.upload(
            server, key: testKey(43), wav: SegmentWAV.encode(samples: try Self.recording("alexa-kitchen-lights-on")),
            extraHeaders: ["X-Earshot-Context": "no-such-context"])
        #expect(unknown.status == 404, "\(unknown.text)")
        await server.stop()
    }

    @Test func adminRoutesListAndSwitchContextVersions() async throws {
        let folder = TemporaryFolder()
        defer { folder.remove() }
        let server = try await LiveServer(dataDirectory: folder.path, understandsCommands: true)
        let list = try await HTTP.send("GET", server.baseURL + "/v1/contexts", token: LiveServer.adminToken)
        #expect(list.status == 200)
        #expect(list.text.contains(#""name":"smart-home""#) && list.text.contains(#""state":"active""#), "\(list.text)")
        let unknown = try await HTTP.send(
            "POST", server.baseURL + "/v1/contexts/smart-home/versions/9/activate", token: LiveServer.adminToken)
        #expect(unknown.status == 404, "\(unknown.text)")
        let rollback = try await HTTP.send("POST", server.baseURL + "/v1/contexts/smart-home/rollback", token: LiveServer.adminToken)
        #expect(rollback.status == 409, "\(rollback.text)")
        // loading the active version again re-runs its checks and keeps it active; contexts carry no card check report
        let reload = try await HTTP.send(
            "POST", server.baseURL + "/v1/contexts/smart-home/versions/1/load", token: LiveServer.adminToken)
        #expect(reload.status == 200, "\(reload.text)")
        #expect(reload.text.contains(#""active":"1""#) && !reload.text.contains(#""checks""#), "\(reload.text)")
        let device = try await HTTP.send("GET", server.baseURL + "/v1/contexts", token: server.deviceToken)
        #expect(device.status == 403, "\(device.text)")
        await server.stop()
    }

    @Test func batchLinesCarryTranscriptIntentAndSlots() throws {
        let registry = ModelRegistry(directory: Repo.models, dataDirectory: Repo.sharedData)
        registry.loadAll()
        let verifier = try WakeWordVerifier(model: try #require(registry.active("alexa")))
        let understanding = BatchUnderstanding(
            stage: CommandUnderstanding(recognizer: try #require(Self.recognizer)),
            context: try LoadedContext.file(Self.contextFolder + "/context.yaml"))
        let file = Self.contextFolder + "/test-set/alexa-kitchen-lights-on.wav"
        let line = BatchRunner.scoreInline(BatchItem(key: "k1", file: file), verifier: verifier, understanding: understanding)
        #expect(line.verified == true)
        #expect(line.intent == "changeLights" && line.slots == ["state": "on", "room": "kitchen"], "\(line)")
        #expect(line.understood == true)
        #expect(line.models?.map(\.name) == ["alexa", "pocketsphinx-en-us", "context"])
        #expect(throws: CloudError.self) { try LoadedContext.file(Self.contextFolder + "/missing.yaml") }
    }
}
