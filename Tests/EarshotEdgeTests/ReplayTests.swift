import Foundation
import Testing

@testable import EarshotEdge

@Suite struct ReplayTests {
    private static let card = DetectorModelCard(
        name: "ww", version: "1", wakeWord: "ww", kind: .wakeWord, modelURL: URL(fileURLWithPath: "/dev/null"),
        probabilityCutoff: 0.5, slidingWindowSize: 1, refractorySeconds: 0)

    /// A scan result with one probability per invocation, 30 ms apart.
    private func result(_ path: String, _ probabilities: [Float], seconds: Double) -> ReplayScanner.Result {
        ReplayScanner.Result(
            path: path, duration: seconds, events: [],
            probabilities: [probabilities.enumerated().map { ($0.element, ($0.offset + 1) * 480) }])
    }

    @Test func evaluationCountsMissesAndFalseAcceptsPerThreshold() {
        let recordings: [RecordingSet.Recording] = [
            .init(path: "p1", kind: .positive, label: "ww"),
            .init(path: "p2", kind: .positive, label: nil),
            .init(path: "p3", kind: .positive, label: "other"),  // another model's positive: a negative here
            .init(path: "n1", kind: .negative, label: nil),
            .init(path: "s1", kind: .stream, label: nil),
        ]
        let results = [
            result("p1", [0.1, 0.9, 0.2], seconds: 1),
            result("p2", [0.1, 0.3, 0.2], seconds: 1),
            result("p3", [0.6, 0.1, 0.1], seconds: 1),
            result("n1", [0.7, 0.1, 0.2], seconds: 1_800),
            result("s1", [0.1, 0.4, 0.1, 0.45], seconds: 1_799),
        ]
        let evaluation = WakeWordEvaluation.evaluate(
            results: results, recordings: recordings, card: Self.card, modelIndex: 0, stride: 3, speechEnds: ["p1": 0.02])
        #expect(evaluation.positives == 2)
        #expect(evaluation.detected == 1)
        #expect(evaluation.recall == 0.5)
        #expect(abs(evaluation.negativeHours - 1) < 1e-9)
        #expect(evaluation.atCutoff.falseAccepts == 2)  // p3 at 0.6 and n1 at 0.7
        #expect(evaluation.atCutoff.falseAcceptsPerHour == 2)
        // p1 fired at its second invocation, sample 960 = 0.06 s; speech ended at 0.02 s.
        #expect(abs((evaluation.latencyMedian ?? -1) - 0.04) < 1e-9)
        let at35 = evaluation.curve.first { abs($0.threshold - 0.35) < 1e-9 }!
        #expect(at35.missRate == 0.5 && at35.falseAccepts == 4)  // p2 peaks at 0.3; s1 fires twice
        // Thresholds of 0.7 and above have no false accept and still catch p1.
        #expect(evaluation.missRateAtFalseAcceptsPerHour["0.1"] == 0.5)
    }

    @Test func manifestsResolvePathsAndNameBadLines() throws {
        let folder = TemporaryFolder("manifest")
        defer { folder.remove() }
        let good = folder.write(
            """
            # comment
            {"file": "a.wav", "kind": "positive", "label": "computer"}
            {"file": "/abs/b.wav", "kind": "stream"}
            """, to: "set.jsonl")
        let set = try RecordingSet(inputs: [good])
        #expect(
            set.recordings == [
                .init(path: folder.path + "/a.wav", kind: .positive, label: "computer"),
                .init(path: "/abs/b.wav", kind: .stream, label: nil),
            ])
        let bad = folder.write("{\"file\": \"a.wav\"}\n{\"file\": \"b.wav\", \"kind\": \"maybe\"}\n", to: "bad.jsonl")
        #expect {
            try RecordingSet(inputs: [bad])
        } throws: { error in
            "\(error)".contains("bad.jsonl:2") && "\(error)".contains("maybe")
        }
        #expect(throws: EdgeError.self) { try RecordingSet(inputs: [folder.path + "/missing.wav"]) }
    }

    @Test func scanFindsTheSameEventsAsThePipeline() throws {
        let card = try DetectorModelCard.load(path: try DetectionFixtures.manifest("alexa"))
        let scanner = try ReplayScanner(cards: [card])
        let folder = DetectionFixtures.repositoryRoot.appendingPathComponent("Tests/EarshotEdgeTests/Fixtures/wake-words").path
        let recordings = try RecordingSet(inputs: [folder]).recordings
        #expect(recordings.count == 16)
        var fired: [String] = []
        for recording in recordings where !(try scanner.scan(path: recording.path).events.isEmpty) {
            fired.append(URL(fileURLWithPath: recording.path).lastPathComponent)
        }
        #expect(fired == ["alexa_en-gb.wav", "alexa_en-us.wav", "alexa_en-us_f3.wav", "alexa_en_m3.wav"])
        // The same recording scanned twice gives the same result: every stream starts fresh.
        let first = try scanner.scan(path: recordings[0].path)
        let again = try scanner.scan(path: recordings[0].path)
        #expect(first.events == again.events)
        #expect(first.probabilities[0].map(\.probability) == again.probabilities[0].map(\.probability))
    }
}

@Suite struct TwoPhaseScorerTests {
    /// The edge fires on the wake phrases; a cloud that verifies nothing takes every detection back.
    @Test(arguments: [true, false])
    func detectionsCountOnlyWhenTheCloudVerifiesThem(cloudAgrees: Bool) throws {
        let server = try TestHTTPServer { request in
            let key = request.path.split(separator: "/").last.map(String.init) ?? "?"
            return .json(
                200, #"{"key":"\#(key)","verified":\#(cloudAgrees),"score":0.5,"models":[],"timings":{"inference_ms":1,"total_ms":1}}"#)
        }
        defer { server.stop() }
        let folder = TemporaryFolder("two-phase")
        defer { folder.remove() }
        let card = try DetectorModelCard.load(path: try DetectionFixtures.manifest("alexa"))
        let scorer = try TwoPhaseScorer(
            cards: [card], cloudURL: server.baseURL, tokenFile: folder.write("t", to: "token"), deviceID: "replay")
        let clips = DetectionFixtures.repositoryRoot.appendingPathComponent("Tests/EarshotEdgeTests/Fixtures/wake-words")
        let recordings: [RecordingSet.Recording] = [
            .init(path: clips.appendingPathComponent("alexa_en-us.wav").path, kind: .positive, label: "alexa"),
            .init(path: clips.appendingPathComponent("alexa_en-gb.wav").path, kind: .positive, label: "alexa"),
            .init(path: clips.appendingPathComponent("okay_nabu_en-us.wav").path, kind: .negative, label: nil),
        ]
        let outcomes = try recordings.map { try scorer.score(path: $0.path) }
        #expect(outcomes.map(\.edgeDetections) == [1, 1, 0])
        #expect(server.requests.count == 2)
        #expect(server.requests.allSatisfy { $0.path.hasPrefix("/v1/segments/replay.b") })
        let summary = TwoPhaseScorer.summarize(outcomes, recordings: recordings, label: "alexa")
        #expect(summary.positives == 2)
        #expect(summary.edgeRecall == 1)
        #expect(summary.twoPhaseRecall == (cloudAgrees ? 1 : 0))
    }
}
