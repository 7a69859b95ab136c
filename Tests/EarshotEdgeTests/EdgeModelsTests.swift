import Foundation
import Testing

import EarshotAudio
@testable import EarshotEdge

/// The models the project ships in `edge-models/`: each loads from its card, meets the size
/// limits and gets its card's own end-to-end examples right through the real pipeline.
@Suite struct EdgeModelsTests {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("edge-models")

    static var modelDirectories: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return names.sorted().map { root.appendingPathComponent($0) }
            .filter { FileManager.default.fileExists(atPath: $0.appendingPathComponent("card.json").path) }
    }

    private func cardJSON(_ directory: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent("card.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test(arguments: modelDirectories)
    func modelMeetsItsLimits(directory: URL) throws {
        let card = try DetectorModelCard.load(path: directory.path)
        let fields = try cardJSON(directory)
        let size = try FileManager.default.attributesOfItem(atPath: card.modelURL.path)[.size] as? Int ?? .max
        #expect(size <= 64 * 1024, "\(card.name): \(size) bytes on disk")
        #expect(fields["size_bytes"] as? Int == size, "\(card.name): the card's size_bytes is stale")
        let arena = try #require(fields["arena_bytes"] as? Int)
        #expect(arena <= 32 * 1024)
        let cost = try #require(fields["cost"] as? [String: Any])
        let ratio = try #require(cost["ratio_to_microwakeword_alexa"] as? Double)
        #expect(ratio < 1, "\(card.name) costs more per second than microWakeWord's alexa")
        _ = try FrameModel(card: card)
    }

    @Test(arguments: modelDirectories)
    func modelPassesItsExamples(directory: URL) throws {
        let card = try DetectorModelCard.load(path: directory.path)
        let examples = try #require(try cardJSON(directory)["examples"] as? [[String: String]])
        #expect(!examples.isEmpty)
        for example in examples {
            let path = directory.appendingPathComponent(try #require(example["file"])).path
            let expect = try #require(example["expect"])
            if card.kind == .classifier {
                let (label, _) = try ReplayClassifier(card: card).classify(path: path)
                #expect(label == expect, "\(card.name): \(path)")
                try expectLastWindowDecision(card: card, example: path, label: expect)
            } else {
                let events = try ReplayScanner(cards: [card]).scan(path: path).events
                #expect(events.count == (expect == "detect" ? 1 : 0), "\(card.name): \(path) gave \(events.count) detections")
            }
        }
    }

    /// The last-window decision labels what ends a recording: the example after two seconds of
    /// silence is still the example's label, and two seconds of silence after it is "silence",
    /// where the best-window decision keeps the example's label.
    private func expectLastWindowDecision(card: DetectorModelCard, example: String, label: String) throws {
        guard label != "silence", card.labels.contains("silence") else { return }
        let samples = try AudioFileReader.readAll(path: example)
        let quiet = [Int16](repeating: 0, count: 32_000)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-last-window-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let after = folder.appendingPathComponent("after-quiet.wav").path
        let before = folder.appendingPathComponent("before-quiet.wav").path
        try WAVWriter.write(quiet + samples, to: after)
        try WAVWriter.write(samples + quiet, to: before)
        let classifier = try ReplayClassifier(card: card)
        #expect(try classifier.classify(path: after, decision: .lastWindow).label == label, "\(card.name): \(example) after silence")
        #expect(try classifier.classify(path: before, decision: .lastWindow).label == "silence", "\(card.name): \(example) then silence")
        #expect(try classifier.classify(path: before, decision: .bestWindow).label == label, "\(card.name): \(example) then silence")
    }
}
