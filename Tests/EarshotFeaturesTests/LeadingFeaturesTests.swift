import EarshotFeatures
import Foundation
import Testing

/// `leadingFeatures(of:count:)`: the windowed verifier's input, and its training data's.
@Suite struct LeadingFeaturesTests {
    /// A deterministic chirp with some noise, 16-bit.
    static func signal(_ count: Int) -> [Int16] {
        var state: UInt32 = 12_345
        return (0..<count).map { index in
            state = state &* 1_664_525 &+ 1_013_904_223
            let t = Double(index) / 16_000
            let tone = 6_000 * sin(2 * Double.pi * (300 + 400 * t) * t)
            return Int16(tone + Double(Int32(state >> 20) - 2_048))
        }
    }

    @Test func theFirstFramesAreThoseOfTheWholeRecording() throws {
        let samples = Self.signal(64_000)
        let frontend = try FeatureFrontend()
        let all = frontend.process(samples)
        let leading = samples.withUnsafeBufferPointer { frontend.leadingFeatures(of: $0, count: 300) }
        #expect(leading.count == 300 * frontend.channelCount)
        for frame in [0, 1, 150, 299] {
            #expect(Array(leading[(frame * 40)..<((frame + 1) * 40)]) == all[frame].features, "frame \(frame)")
        }
    }

    @Test func aShortRecordingContinuesInSilence() throws {
        let samples = Self.signal(8_000)
        let frontend = try FeatureFrontend()
        let padded = frontend.process(samples + [Int16](repeating: 0, count: 60_000))
        let leading = samples.withUnsafeBufferPointer { frontend.leadingFeatures(of: $0, count: 300) }
        for frame in [0, 48, 49, 200, 299] {
            #expect(Array(leading[(frame * 40)..<((frame + 1) * 40)]) == padded[frame].features, "frame \(frame)")
        }
        let empty = [Int16]().withUnsafeBufferPointer { frontend.leadingFeatures(of: $0, count: 10) }
        #expect(empty.count == 10 * frontend.channelCount)
    }
}
