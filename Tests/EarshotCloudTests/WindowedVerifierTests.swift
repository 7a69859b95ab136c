import EarshotAudio
import EarshotCloud
import Foundation
import Testing

/// The verifiers this project trains (`scripts/train-verifier.sh`, kind `windowed-verifier`):
/// the committed models load, pass their cards' checks, accept a held-out keyword segment and
/// reject a held-out hard negative (an edge trigger on a confusable or a sentence).
@Suite struct WindowedVerifierTests {
    static let wakeWords = ["computer", "alexa"]

    static func directory(_ wakeWord: String) -> String { Repo.models + "/\(wakeWord)-verifier/1" }

    @Test(arguments: wakeWords) func theCommittedVerifierPassesItsCardChecks(wakeWord: String) throws {
        let model = try CardChecker.load(directory: Self.directory(wakeWord), dataDirectory: Repo.sharedData)
        #expect(model.card.kind == ModelCard.windowedVerifierKind)
        #expect(model.card.wakeWord == wakeWord)
        #expect(model.checks.passed, "\(model.checks.problems)")
        #expect(model.checks.metric == 1)
        #expect(model.checks.cases.contains { $0.verified } && model.checks.cases.contains { !$0.verified })
    }

    @Test(arguments: wakeWords) func itAcceptsAKeywordSegmentAndRejectsAHardNegative(wakeWord: String) throws {
        let model = try CardChecker.load(directory: Self.directory(wakeWord), dataDirectory: Repo.sharedData)
        let verifier = try WakeWordVerifier(model: model)
        let cutoff = model.card.thresholds.probabilityCutoff
        let positive = try #require(model.card.testSet.first { $0.expectedVerified })
        let negative = try #require(model.card.testSet.first { !$0.expectedVerified && $0.file.hasPrefix("test-set/hard-negative") })
        let accepted = try verifier.verify(try AudioFileReader.readAll(path: Self.directory(wakeWord) + "/" + positive.file))
        #expect(accepted.verified && accepted.score >= cutoff && accepted.invocations == 1)
        let rejected = try verifier.verify(try AudioFileReader.readAll(path: Self.directory(wakeWord) + "/" + negative.file))
        #expect(!rejected.verified && rejected.score < cutoff && rejected.invocations == 1)
        // the same segment twice gives the same score: nothing carries over between segments
        let again = try verifier.verify(try AudioFileReader.readAll(path: Self.directory(wakeWord) + "/" + positive.file))
        #expect(again == accepted)
    }

    @Test func aSegmentShorterThanTheWindowIsPaddedWithSilence() throws {
        let model = try CardChecker.load(directory: Self.directory("computer"), dataDirectory: Repo.sharedData)
        let verifier = try WakeWordVerifier(model: model)
        for count in [0, 100, 8_000] {
            let output = try verifier.verify([Int16](repeating: 0, count: count))
            #expect(!output.verified && output.invocations == 1, "\(count) samples of silence")
        }
    }

    @Test func theRegistryPicksEachWakeWordsVerifier() throws {
        let folder = TemporaryFolder("verifiers")
        defer { folder.remove() }
        for wakeWord in Self.wakeWords {
            try FileManager.default.createDirectory(atPath: folder.path + "/\(wakeWord)-verifier", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: folder.path + "/\(wakeWord)-verifier/1", withDestinationPath: Self.directory(wakeWord))
        }
        let registry = ModelRegistry(directory: folder.path, dataDirectory: Repo.sharedData)
        #expect(registry.loadAll().map(\.state) == ["active", "active"])
        #expect(registry.verifier(for: "Computer", fallback: nil)?.card.name == "computer-verifier")
        #expect(registry.verifier(for: "alexa", fallback: nil)?.card.name == "alexa-verifier")
    }

    @Test func aWindowedCardWithASlidingWindowIsRefused() throws {
        let folder = TemporaryFolder("verifier-card")
        defer { folder.remove() }
        var card =
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.directory("computer") + "/card.json")))
            as! [String: Any]
        var thresholds = card["thresholds"] as! [String: Any]
        thresholds["sliding_window_size"] = 3
        card["thresholds"] = thresholds
        try JSONSerialization.data(withJSONObject: card).write(to: URL(fileURLWithPath: folder.file("card.json")))
        #expect {
            try ModelCard.read(path: folder.file("card.json"))
        } throws: { error in
            "\(error)".contains("sliding_window_size 1")
        }
    }
}
