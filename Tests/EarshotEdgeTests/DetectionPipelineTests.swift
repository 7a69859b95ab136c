import EarshotAudio
import Foundation
import Testing

@testable import EarshotEdge

/// Paths to the reference models and recordings the detection tests use.
enum DetectionFixtures {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")
    static let microWakeWordModels = repositoryRoot.appendingPathComponent("reference-models/microwakeword")

    /// The microWakeWord manifest for `name`; records an issue naming the fetch script if it is missing.
    static func manifest(_ name: String) throws -> String {
        let path = microWakeWordModels.appendingPathComponent("\(name).json").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw FixtureMissing(what: path, fix: "run scripts/fetch-reference-models.sh")
        }
        return path
    }

    /// One line of a detections fixture: pymicro-wakeword's firing frames for a recording.
    struct ExpectedDetections {
        var model: String
        var recording: String
        var frames: [Int]
    }

    static func expectedDetections(_ fixture: URL) throws -> [ExpectedDetections] {
        try String(contentsOf: fixture, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: " ")
            guard fields.count == 3 else { return nil }
            let frames = fields[2] == "-" ? [] : fields[2].split(separator: ",").map { Int($0)! }
            return ExpectedDetections(model: String(fields[0]), recording: String(fields[1]), frames: frames)
        }
    }
}

struct FixtureMissing: Error, CustomStringConvertible {
    var what: String
    var fix: String
    var description: String { "\(what) is missing: \(fix)" }
}

@Suite struct DetectionPipelineTests {
    /// Runs one recording through a fresh pipeline and returns the firing frames.
    private func firingFrames(model: String, recording: URL, chunk: Int, fastCutoff: Double? = nil, refractory: Double = 0) throws
        -> [Int]
    {
        let card = try DetectorModelCard.load(path: try DetectionFixtures.manifest(model), fastCutoff: fastCutoff)
        let pipeline = try DetectionPipeline(cards: [card], refractoryOverride: refractory)
        let samples = try AudioFileReader.readAll(path: recording.path)
        var frames: [Int] = []
        try samples.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let end = min(buffer.count, offset + chunk)
                try pipeline.process(UnsafeBufferPointer(rebasing: buffer[offset..<end])) { frames.append($0.frameIndex) }
                offset = end
            }
        }
        return frames
    }

    /// Real speech that is not a wake word (one false trigger among 120 runs).
    @Test func firesOnTheSameFramesAsPymicroWakewordOnRealSpeech() throws {
        let fixture = DetectionFixtures.repositoryRoot.appendingPathComponent(
            "Tests/EarshotInferenceTests/Fixtures/microwakeword-detections.txt")
        try compare(with: fixture, recordingsIn: DetectionFixtures.sharedData, expectedRuns: 120)
    }

    /// Synthesized wake phrases of all four models (they fire, many times each): the pipeline
    /// must fire on exactly pymicro-wakeword's frames, which needs the arithmetic of the
    /// optimized kernels pymicro-wakeword's runtime uses (two hey_mycroft runs differ under the
    /// reference kernels).
    @Test func firesOnTheSameFramesAsPymicroWakewordOnWakePhrases() throws {
        let fixture = DetectionFixtures.repositoryRoot.appendingPathComponent("Tests/EarshotEdgeTests/Fixtures/wake-word-detections.txt")
        try compare(with: fixture, recordingsIn: DetectionFixtures.repositoryRoot, expectedRuns: 64)
    }

    private func compare(with fixture: URL, recordingsIn base: URL, expectedRuns: Int) throws {
        let expected = try DetectionFixtures.expectedDetections(fixture)
        #expect(expected.count == expectedRuns)
        #expect(expected.contains { !$0.frames.isEmpty }, "the fixture must hold detections")
        for (index, line) in expected.enumerated() {
            let chunk = [160, 1_000, 4_096, 7][index % 4]
            let frames = try firingFrames(model: line.model, recording: base.appendingPathComponent(line.recording), chunk: chunk)
            #expect(frames == line.frames, "\(line.model) on \(line.recording)")
        }
    }

    /// The fast cutoff on the synthesized wake phrases: every phrase the windowed rule detects is
    /// detected no later (the window rule still applies), and some are detected earlier.
    @Test func aFastCutoffFiresNoLaterThanTheWindowAndSometimesEarlier() throws {
        let folder = DetectionFixtures.repositoryRoot.appendingPathComponent("Tests/EarshotEdgeTests/Fixtures/wake-words")
        var earlier = 0
        var phrases = 0
        for model in ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"] {
            for voice in ["en-gb", "en-us", "en-us_f3", "en_m3"] {
                let recording = folder.appendingPathComponent("\(model)_\(voice).wav")
                let window = try firingFrames(model: model, recording: recording, chunk: 1_000, refractory: 2)
                let fast = try firingFrames(model: model, recording: recording, chunk: 1_000, fastCutoff: 0.95, refractory: 2)
                guard let windowFirst = window.first else { continue }
                phrases += 1
                let fastFirst = try #require(fast.first, "\(model) \(voice): the fast rule missed a detected phrase")
                #expect(fastFirst <= windowFirst, "\(model) \(voice)")
                if fastFirst < windowFirst { earlier += 1 }
            }
        }
        #expect(phrases >= 12)
        #expect(earlier >= phrases / 2, "the fast cutoff fired earlier on only \(earlier) of \(phrases) phrases")
    }

    @Test func manifestLoadsWithItsRule() throws {
        let card = try DetectorModelCard.load(path: try DetectionFixtures.manifest("alexa"))
        #expect(card.name == "alexa")
        #expect(card.wakeWord == "Alexa")
        #expect(card.probabilityCutoff == 0.9)
        #expect(card.slidingWindowSize == 5)
        #expect(card.kind == .wakeWord)
        #expect(card.modelURL.lastPathComponent == "alexa.tflite")
    }
}

@Suite struct WakeWordDetectorTests {
    @Test func firesOnlyWhenTheWindowedMeanExceedsTheCutoff() {
        var detector = WakeWordDetector(cutoff: 0.5, windowSize: 3, refractoryInvocations: 0)
        #expect(detector.push(1) == nil, "window not yet full")
        #expect(detector.push(1) == nil)
        #expect(detector.push(1) == 1)
        #expect(detector.push(0) != nil)  // mean 2/3
        #expect(detector.push(0) == nil)  // mean 1/3
        #expect(detector.push(0.5) == nil)  // mean 1/6
        #expect(detector.push(1) == nil)  // mean 0.5: not greater than the cutoff
        #expect(detector.push(0.5) != nil)  // mean 2/3
    }

    @Test func aFastCutoffFiresOnOneConfidentInvocation() {
        var windowOnly = WakeWordDetector(cutoff: 0.5, windowSize: 3, refractoryInvocations: 2)
        var fast = WakeWordDetector(cutoff: 0.5, windowSize: 3, refractoryInvocations: 2, fastCutoff: 0.9)
        let probabilities: [Float] = [0, 0, 0.95, 0.95, 0.2, 0.1, 0.1, 0.1, 0.92]
        let windowFired = probabilities.map { windowOnly.push($0) }
        let fastFired = probabilities.map { fast.push($0) }
        #expect(windowFired.map { $0 != nil } == [false, false, false, true, false, false, false, false, false])
        // 0.95 fires at once (the window's mean is 0.32), the refractory time then holds, and 0.92 fires alone.
        #expect(fastFired.map { $0 != nil } == [false, false, true, false, false, false, false, false, true])
        #expect(abs((fastFired[2] ?? 0) - 0.95) < 1e-6, "fired by the fast cutoff alone: the probability")
    }

    @Test func refractoryTimeSuppressesRepeats() {
        var detector = WakeWordDetector(cutoff: 0.5, windowSize: 1, refractoryInvocations: 3)
        let fired = (0..<10).map { _ in detector.push(0.9) != nil }
        #expect(fired == [true, false, false, false, true, false, false, false, true, false])
        detector.reset()
        #expect(detector.push(0.9) != nil)
    }
}

@Suite struct DetectorModelCardTests {
    private func load(_ json: String) throws -> DetectorModelCard {
        let folder = TemporaryFolder("card")
        defer { folder.remove() }
        return try DetectorModelCard.load(path: folder.write(json, to: "card.json"))
    }

    @Test func earshotCardLoads() throws {
        let card = try load(
            """
            {"name": "computer", "version": "1.2.0", "kind": "wakeword", "model": "model.tflite",
             "wake_word": "computer",
             "detector": {"probability_cutoff": 0.8, "sliding_window_size": 4, "refractory_seconds": 1.5}}
            """)
        #expect(card.name == "computer" && card.version == "1.2.0")
        #expect(card.refractorySeconds == 1.5 && card.slidingWindowSize == 4 && card.probabilityCutoff == 0.8)
        #expect(card.fastCutoff == nil)
    }

    @Test func aFastCutoffComesFromTheCardOrTheCaller() throws {
        let folder = TemporaryFolder("card")
        defer { folder.remove() }
        let path = folder.write(
            """
            {"name": "computer", "version": "1", "kind": "wakeword", "model": "model.tflite",
             "detector": {"probability_cutoff": 0.8, "sliding_window_size": 4, "refractory_seconds": 1, "fast_cutoff": 0.97}}
            """, to: "card.json")
        #expect(try DetectorModelCard.load(path: path).fastCutoff == 0.97)
        #expect(try DetectorModelCard.load(path: path, fastCutoff: 0.95).fastCutoff == 0.95)
        #expect(try DetectorModelCard.load(path: path, fastCutoff: nil).fastCutoff == 0.97)
        #expect(throws: EdgeError.self) { try DetectorModelCard.load(path: path, fastCutoff: 0) }
    }

    @Test(arguments: [
        ("{\"micro\": {}, \"version\": 1, \"model\": \"a.tflite\", \"wake_word\": \"a\"}", "version 1 is not supported"),
        (
            "{\"micro\": {\"sliding_window_size\": 5, \"feature_step_size\": 10}, \"version\": 2, \"model\": \"a.tflite\", \"wake_word\": \"a\"}",
            "missing field 'probability_cutoff'"
        ),
        (
            "{\"micro\": {\"probability_cutoff\": 1.5, \"sliding_window_size\": 5, \"feature_step_size\": 10}, \"version\": 2, \"model\": \"a.tflite\", \"wake_word\": \"a\"}",
            "cutoff 1.5"
        ),
        (
            "{\"micro\": {\"probability_cutoff\": 0.5, \"sliding_window_size\": 5, \"feature_step_size\": 20}, \"version\": 2, \"model\": \"a.tflite\", \"wake_word\": \"a\"}",
            "20 ms feature step"
        ),
        ("{\"name\": \"x\", \"version\": \"1\", \"kind\": \"gizmo\", \"model\": \"m\", \"detector\": {}}", "'kind' is 'gizmo'"),
        (
            "{\"name\": \"x\", \"version\": \"1\", \"kind\": \"wakeword\", \"model\": \"m\", \"detector\": {\"probability_cutoff\": 0.8, \"sliding_window_size\": 4, \"refractory_seconds\": 1, \"fast_cutoff\": 1.2}}",
            "fast cutoff 1.2"
        ),
        ("[1, 2]", "must be a JSON object"),
        ("{not json", "not valid JSON"),
    ])
    func badCardsAreRejectedWithTheField(json: String, message: String) throws {
        do {
            _ = try load(json)
            Issue.record("accepted \(json)")
        } catch let error as EdgeError {
            #expect(error.code == .invalidModel)
            #expect(error.description.contains("card.json"), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test func aModelFileThatIsNotAModelIsRejected() throws {
        let folder = TemporaryFolder("card")
        defer { folder.remove() }
        _ = folder.write("this is not a flatbuffer", to: "model.tflite")
        let card = try DetectorModelCard.load(
            path: folder.write(
                """
                {"name": "junk", "version": "1", "kind": "wakeword", "model": "model.tflite",
                 "detector": {"probability_cutoff": 0.8, "sliding_window_size": 4, "refractory_seconds": 1}}
                """, to: "card.json"))
        #expect(throws: EdgeError.self) { try FrameModel(card: card) }
    }
}
