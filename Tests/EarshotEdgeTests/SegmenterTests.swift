import EarshotAudio
import Foundation
import Testing

@testable import EarshotEdge

/// The segmenter on recordings built from real parts whose boundaries are known: room noise,
/// a wake phrase, a pause, a real spoken command, then room noise again.
@Suite struct SegmenterTests {
    private static let noise = try! AudioFileReader.readAll(
        path: DetectionFixtures.sharedData.appendingPathComponent("noise/speech_commands_bg/doing_the_dishes.wav").path)
    private static let wakePhrase = try! AudioFileReader.readAll(
        path: DetectionFixtures.repositoryRoot.appendingPathComponent("Tests/EarshotEdgeTests/Fixtures/wake-words/alexa_en-gb.wav").path)
    private static let command = try! AudioFileReader.readAll(
        path: DetectionFixtures.sharedData.appendingPathComponent("pocketsphinx_test/goforward.wav").path)

    /// First and last 10 ms frame louder than -40 dBFS: where speech really is in a clean clip.
    private static func speechBounds(_ samples: [Int16]) -> Range<Int> {
        let frames = samples.count / 160
        let loud = (0..<frames).filter { frame in
            let slice = samples[(frame * 160)..<(frame * 160 + 160)]
            let meanSquare = slice.reduce(0.0) { $0 + Double($1) * Double($1) } / 160 / (32_768 * 32_768)
            return 10 * log10(meanSquare + 1e-12) > -40
        }
        return (loud.first! * 160)..<((loud.last! + 1) * 160)
    }

    /// Noise of `count` samples, quietened, starting at `offset` in the noise recording.
    private static func roomNoise(_ count: Int, offset: Int = 0) -> [Int16] {
        (0..<count).map { Int16(Double(noise[(offset + $0) % noise.count]) * 0.3) }
    }

    /// Adds room noise under `speech`.
    private static func mixed(_ speech: [Int16], offset: Int) -> [Int16] {
        let bed = roomNoise(speech.count, offset: offset)
        return zip(speech, bed).map { Int16(clamping: Int($0) + Int($1)) }
    }

    private struct Scene {
        var samples: [Int16]
        var wakeOnset: Int
        var wakeEnd: Int
        var commandEnd: Int
    }

    /// Two seconds of noise, the wake phrase, `pause` seconds of noise from the end of the
    /// phrase to the start of the command, the command, then `tail` seconds of noise.
    private static func scene(pause: Double = 0.5, command: [Int16] = command, tail: Double = 2) -> Scene {
        let wakeBounds = speechBounds(wakePhrase)
        let lead = roomNoise(32_000)
        let wake = mixed(Array(wakePhrase[..<wakeBounds.upperBound]), offset: 32_000)
        let gap = roomNoise(Int(pause * 16_000), offset: 50_000)
        let commandSpeech = command.isEmpty ? [] : Array(command[speechBounds(command).lowerBound...])
        let spoken = mixed(commandSpeech, offset: 80_000)
        let end = roomNoise(Int(tail * 16_000), offset: 140_000)
        let commandStart = lead.count + wake.count + gap.count
        return Scene(
            samples: lead + wake + gap + spoken + end,
            wakeOnset: lead.count + wakeBounds.lowerBound, wakeEnd: lead.count + wakeBounds.upperBound,
            commandEnd: commandSpeech.isEmpty ? 0 : commandStart + speechBounds(commandSpeech).upperBound)
    }

    /// Feeds a scene in 10 ms chunks, triggering 150 ms after the wake word ends.
    private func run(_ scene: Scene, settings: Segmenter.Settings = .init()) -> [CapturedSegment] {
        let segmenter = Segmenter(settings: settings)
        let triggerAt = scene.wakeEnd + 2_400
        var segments: [CapturedSegment] = []
        var triggered = false
        scene.samples.withUnsafeBufferPointer { buffer in
            var offset = 0
            while offset < buffer.count {
                let end = min(buffer.count, offset + 160)
                segments += segmenter.append(UnsafeBufferPointer(rebasing: buffer[offset..<end]))
                offset = end
                if !triggered && offset >= triggerAt {
                    segmenter.trigger(DetectionEvent(label: "alexa", score: 0.95, frameIndex: triggerAt / 160 - 3, sampleIndex: triggerAt))
                    triggered = true
                }
            }
        }
        if let last = segmenter.finish() { segments.append(last) }
        return segments
    }

    @Test func keepsTheWholeWakeWordAndEndsSoonAfterTheCommand() throws {
        let scene = Self.scene()
        let segments = run(scene)
        try #require(segments.count == 1)
        let segment = segments[0]
        let preRoll = Double(scene.wakeOnset - segment.startSample) / 16_000
        let trailing = Double(segment.endSample - scene.commandEnd) / 16_000
        #expect(segment.endReason == .silence)
        #expect(
            preRoll >= 0.35 && preRoll <= 0.8,
            "audio before the wake word: \(preRoll) s (start \(segment.startSample), onset \(scene.wakeOnset))")
        #expect(trailing >= 0.5 && trailing <= 1.1, "audio after the command: \(trailing) s")
        #expect(segment.samples == Array(scene.samples[segment.startSample..<segment.endSample]))
    }

    @Test func aLongPauseBeforeTheCommandIsWaitedFor() throws {
        let segments = run(Self.scene(pause: 1.6))
        try #require(segments.count == 1)
        #expect(segments[0].endReason == .silence)
        #expect(segments[0].endSample > Self.scene(pause: 1.6).commandEnd)
    }

    @Test func noCommandEndsAfterTheTimeout() throws {
        let scene = Self.scene(command: [], tail: 4)
        let segments = run(scene)
        try #require(segments.count == 1)
        #expect(segments[0].endReason == .noCommand)
        let length = segments[0].duration
        #expect(length < 4, "segment of \(length) s for a lone wake word")
        #expect(segments[0].startSample <= scene.wakeOnset)
    }

    @Test func endlessSpeechStopsAtTheMaximumLength() throws {
        let words = Array(Self.command[Self.speechBounds(Self.command)])
        let talk = Array((0..<6).map { _ in words }.joined())
        let segments = run(Self.scene(command: talk), settings: .init(maximumLength: 5))
        try #require(segments.count >= 1)
        #expect(segments[0].endReason == .maximumLength)
        #expect(segments[0].samples.count == 5 * 16_000)
    }

    @Test func orderStatisticMatchesAFullSort() {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 10, 199, 200] {
            for round in 0..<20 {
                // Ties (round % 2 == 0: few distinct levels) and all-distinct values alike.
                let values = (0..<count).map { _ in
                    round % 2 == 0 ? Double(Int.random(in: -3...3, using: &generator)) : Double.random(in: -90...0, using: &generator)
                }
                let sorted = values.sorted()
                for k in Set([0, count / 10, count / 2, count - 1]) {
                    var scratch = values
                    let found = scratch.withUnsafeMutableBufferPointer { OrderStatistic.smallest(k, in: $0) }
                    #expect(found == sorted[k], "k \(k) of \(count)")
                }
            }
        }
    }

    @Test func voiceActivityFindsSpeechAndIgnoresSteadyNoise() {
        var detector = VoiceActivityDetector()
        let scene = Self.scene()
        var flags: [Bool] = []
        scene.samples.withUnsafeBufferPointer { buffer in
            for frame in 0..<(buffer.count / 160) {
                flags.append(detector.isSpeech(UnsafeBufferPointer(rebasing: buffer[(frame * 160)..<(frame * 160 + 160)])))
            }
        }
        // The first second teaches the detector the room; the second must be quiet.
        let leadNoise = flags[100..<195]
        #expect(leadNoise.filter { $0 }.count <= 4, "speech flagged in room noise")
        let commandFrames = flags[(scene.commandEnd / 160 - 60)..<(scene.commandEnd / 160 - 10)]
        #expect(commandFrames.filter { $0 }.count >= 30, "speech missed in the command")
        let tail = flags[(scene.commandEnd / 160 + 40)...]
        #expect(tail.filter { $0 }.count <= tail.count / 20, "speech flagged in the trailing noise")
    }
}
