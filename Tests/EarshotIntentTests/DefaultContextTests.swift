import EarshotIntent
import Foundation
import Testing

/// The shipped default context: `cloud-models/smart-home/1`.
@Suite struct DefaultContextTests {
    static let folder: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/cloud-models/smart-home/1"
    }()

    static func card() throws -> ContextCard {
        try ContextCard(json: try Data(contentsOf: URL(fileURLWithPath: folder + "/card.json")))
    }

    @Test func loadsAndPassesItsCardsTestSet() throws {
        let card = try Self.card()
        #expect(card.kind == "context")
        #expect(card.role == "intent")
        #expect(card.testSet.count >= 10)
        let context = try Context(contentsOfFile: Self.folder + "/" + card.contextFile)
        let failures = card.failures(of: context)
        #expect(failures.isEmpty, "\(failures.map(\.description).joined(separator: "\n"))")
        #expect(card.testSet.contains { $0.expectedIntent == nil }, "the test set holds commands that must not be understood")
    }

    @Test func cardHoldsTheContextFilesSHA256() throws {
        let card = try Self.card()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
        process.arguments = [Self.folder + "/" + card.contextFile]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return }  // no coreutils here
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(output.split(separator: " ").first.map(String.init) == card.contextSHA256)
    }

    @Test func coversTheIssuesIntents() throws {
        let context = try Context(contentsOfFile: Self.folder + "/context.yaml")
        let parser = context.parser
        #expect(
            parser.parse("turn on the kitchen lights") == .understood(intent: "changeLights", slots: ["state": "on", "room": "kitchen"]))
        #expect(parser.parse("dim the living room lights to twenty five percent").slots == ["room": "living room", "percent": "25"])
        #expect(parser.parse("set a timer for forty two minutes") == .understood(intent: "setTimer", slots: ["minutes": "42"]))
        #expect(
            parser.parse("set the thermostat to seventy two degrees") == .understood(intent: "setTemperature", slots: ["degrees": "72"]))
        #expect(parser.parse("turn the volume up") == .understood(intent: "changeVolume", slots: ["direction": "up"]))
        #expect(parser.parse("set the volume to seven") == .understood(intent: "setVolume", slots: ["level": "7"]))
        #expect(parser.parse("pause the music").intent == "pauseMusic")
        #expect(parser.parse("what time is it").intent == "askTime")
        #expect(!parser.parse("computer turn on the kitchen lights").isUnderstood, "the wake word is stripped before parsing")
    }

    @Test func isUnambiguous() throws {
        let context = try Context(contentsOfFile: Self.folder + "/context.yaml")
        let parser = context.parser
        for command in context.sample(count: 3000, seed: 2026) {
            #expect(parser.parse(command.text) == .understood(intent: command.intent, slots: command.slots), "\(command.text)")
        }
    }

    @Test func saysOnlyWordsOfTheRecognizersDictionary() throws {
        let path = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
        guard let dictionary = try? String(contentsOfFile: path, encoding: .utf8) else { return }  // no PocketSphinx model here
        let known = Set(dictionary.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        let context = try Context(contentsOfFile: Self.folder + "/context.yaml")
        #expect(context.vocabulary.subtracting(known).isEmpty, "\(context.vocabulary.subtracting(known).sorted())")
    }
}
