import EarshotAudio
import EarshotCloud
import Foundation
import Testing

/// The verifiers this project trains (`scripts/train-verifier.sh`, kind `windowed-verifier`):
/// every committed version loads, passes its card's checks, accepts a held-out keyword segment
/// and rejects a held-out hard negative (an edge trigger on a confusable or a sentence).
@Suite struct WindowedVerifierTests {
    static let wakeWords = ["computer", "alexa"]
    /// Every committed version. Version 2 was trained on the edge model's false triggers in 24 h
    /// more of speech; alexa's versions 3 and 4 against edge alexa 1.2.0, with 24 and 48 h. The
    /// older ones stay for a rollback.
    static let versions = [("computer", "1"), ("computer", "2"), ("alexa", "1"), ("alexa", "2"), ("alexa", "3"), ("alexa", "4")]
    static let newest = Dictionary(versions, uniquingKeysWith: { Int($0)! > Int($1)! ? $0 : $1 })

    static func directory(_ wakeWord: String, version: String? = nil) -> String {
        Repo.models + "/\(wakeWord)-verifier/\(version ?? newest[wakeWord]!)"
    }

    @Test(arguments: versions) func theCommittedVerifierPassesItsCardChecks(wakeWord: String, version: String) throws {
        let model = try CardChecker.load(directory: Self.directory(wakeWord, version: version), dataDirectory: Repo.sharedData)
        #expect(model.card.version == version)
        #expect(model.card.kind == ModelCard.windowedVerifierKind)
        #expect(model.card.wakeWord == wakeWord)
        #expect(model.checks.passed, "\(model.checks.problems)")
        #expect(model.checks.metric == 1)
        #expect(model.checks.cases.contains { $0.verified } && model.checks.cases.contains { !$0.verified })
    }

    @Test(arguments: versions) func itAcceptsAKeywordSegmentAndRejectsAHardNegative(wakeWord: String, version: String) throws {
        let directory = Self.directory(wakeWord, version: version)
        let model = try CardChecker.load(directory: directory, dataDirectory: Repo.sharedData)
        let verifier = try WakeWordVerifier(model: model)
        let cutoff = model.card.thresholds.probabilityCutoff
        let positive = try #require(model.card.testSet.first { $0.expectedVerified })
        let negative = try #require(model.card.testSet.first { !$0.expectedVerified && $0.file.hasPrefix("test-set/hard-negative") })
        let accepted = try verifier.verify(try AudioFileReader.readAll(path: directory + "/" + positive.file))
        #expect(accepted.verified && accepted.score >= cutoff && accepted.invocations == 1)
        let rejected = try verifier.verify(try AudioFileReader.readAll(path: directory + "/" + negative.file))
        #expect(!rejected.verified && rejected.score < cutoff && rejected.invocations == 1)
        // the same segment twice gives the same score: nothing carries over between segments
        let again = try verifier.verify(try AudioFileReader.readAll(path: directory + "/" + positive.file))
        #expect(again == accepted)
    }

    @Test(arguments: wakeWords) func aSegmentShorterThanTheWindowIsPaddedWithSilence(wakeWord: String) throws {
        let model = try CardChecker.load(directory: Self.directory(wakeWord), dataDirectory: Repo.sharedData)
        let verifier = try WakeWordVerifier(model: model)
        for count in [0, 100, 8_000] {
            let output = try verifier.verify([Int16](repeating: 0, count: count))
            #expect(!output.verified && output.invocations == 1, "\(count) samples of silence")
        }
    }

    @Test func theRegistryPicksEachWakeWordsNewestVerifier() throws {
        let folder = TemporaryFolder("verifiers")
        defer { folder.remove() }
        for wakeWord in Self.wakeWords {
            try FileManager.default.createDirectory(atPath: folder.path + "/\(wakeWord)-verifier", withIntermediateDirectories: true)
            for (_, version) in Self.versions.filter({ $0.0 == wakeWord }) {
                try FileManager.default.createSymbolicLink(
                    atPath: folder.path + "/\(wakeWord)-verifier/\(version)", withDestinationPath: Self.directory(wakeWord, version: version))
            }
        }
        let registry = ModelRegistry(directory: folder.path, dataDirectory: Repo.sharedData)
        let active = registry.loadAll().filter { $0.state == "active" }
        #expect(Dictionary(uniqueKeysWithValues: active.map { ($0.wakeWord ?? "", $0.version) }) == Self.newest)
        for wakeWord in ["Computer", "alexa"] {
            let verifier = try #require(registry.verifier(for: wakeWord, fallback: nil))
            #expect(verifier.card.name == wakeWord.lowercased() + "-verifier")
            #expect(verifier.card.version == Self.newest[wakeWord.lowercased()])
        }
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
