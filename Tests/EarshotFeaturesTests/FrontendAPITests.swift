import EarshotFeatures
import Testing

@Suite struct FrontendAPITests {
    @Test func microWakeWordDefaults() throws {
        let configuration = FrontendConfiguration.microWakeWord
        #expect(configuration.sampleRate == 16_000)
        #expect(configuration.windowSampleCount == 480)
        #expect(configuration.stepSampleCount == 160)
        #expect(configuration.channelCount == 40)
        #expect(configuration.lowerBandLimit == 125 && configuration.upperBandLimit == 7_500)
        #expect(configuration.featureScale == 0.0390625)
        let frontend = try FeatureFrontend(configuration: configuration)
        #expect(frontend.channelCount == 40)
    }

    @Test("first frame after one window, then one per step")
    func framing() throws {
        let frontend = try FeatureFrontend()
        var frames = 0
        let silence = [Int16](repeating: 0, count: 479)
        frontend.process(silence) { _ in frames += 1 }
        #expect(frames == 0)
        #expect(frontend.bufferedSampleCount == 479)
        frontend.process([Int16(0)]) { _ in frames += 1 }
        #expect(frames == 1)
        #expect(frontend.bufferedSampleCount == 320)
        frontend.process([Int16](repeating: 0, count: 159)) { _ in frames += 1 }
        #expect(frames == 1)
        frontend.process([Int16](repeating: 0, count: 1)) { _ in frames += 1 }
        #expect(frames == 2)
        frontend.process([Int16]()) { _ in frames += 1 }
        #expect(frames == 2)
    }

    @Test("collection and copying entry points give the buffer entry point's frames")
    func convenienceEntryPoints() throws {
        let samples = try GoldenFixtures.samples(for: GoldenFixtures.testCase(named: "speech_computer_099d"))
        let reference = try FeatureFrontend().run(samples, chunks: .wholeInput)

        let copies = try FeatureFrontend().process(samples[...])
        #expect(copies.map(\.index) == reference.indices)
        #expect(copies.flatMap(\.values) == reference.values)
        #expect(copies.flatMap(\.features) == reference.features)

        // A collection without contiguous storage goes through a copy.
        let lazy = samples.lazy.map { $0 }
        var values: [UInt16] = []
        try FeatureFrontend().process(lazy) { values += $0.values }
        #expect(values == reference.values)
    }

    @Test("an error thrown from the frame handler stops processing and propagates")
    func throwingHandler() throws {
        struct Stop: Error {}
        let frontend = try FeatureFrontend()
        let samples = [Int16](repeating: 100, count: 2_000)
        var seen = 0
        #expect(throws: Stop.self) {
            try frontend.process(samples) { frame in
                seen += 1
                if frame.index == 2 { throw Stop() }
            }
        }
        #expect(seen == 3)
        #expect(frontend.frameCount == 3)
        // The rest of the call was dropped; the frontend holds the overlap of frame 2's window.
        #expect(frontend.bufferedSampleCount == frontend.windowSampleCount - frontend.stepSampleCount)
    }

    @Test("invalid configurations are rejected with the parameter named")
    func invalidConfigurations() {
        func expectRejected(
            _ kind: FrontendConfigurationError, mentioning text: String,
            _ change: (inout FrontendConfiguration) -> Void
        ) {
            var configuration = FrontendConfiguration.microWakeWord
            change(&configuration)
            do {
                _ = try FeatureFrontend(configuration: configuration)
                Issue.record("accepted an invalid configuration: \(configuration)")
            } catch {
                #expect(kind ~= error)
                #expect(error.description.contains(text), "\(error.description)")
            }
        }
        expectRejected(.filterbank, mentioning: "channelCount") { $0.channelCount = 0 }
        expectRejected(.filterbank, mentioning: "upperBandLimit") { $0.upperBandLimit = 9_000 }
        expectRejected(.filterbank, mentioning: "band limits") { $0.lowerBandLimit = 8_000 }
        expectRejected(.framing, mentioning: "step") { $0.stepDurationMilliseconds = 40 }
        expectRejected(.framing, mentioning: "window") { $0.windowDurationMilliseconds = 0 }
        expectRejected(.noiseReduction, mentioning: "oddSmoothing") { $0.noiseReduction.oddSmoothing = 1.5 }
        expectRejected(.gainControl, mentioning: "gainBits") { $0.gainControl.gainBits = 40 }
        expectRejected(.logScale, mentioning: "scaleShift") { $0.logScale.scaleShift = -1 }
    }

    @Test("other configurations run: 25 ms / 32 channels, no PCAN, no log")
    func otherConfigurations() throws {
        let samples = try GoldenFixtures.samples(for: GoldenFixtures.testCase(named: "speech_goforward"))
        var configuration = FrontendConfiguration(windowDurationMilliseconds: 25, channelCount: 32)
        configuration.gainControl.isEnabled = false
        let plain = try FeatureFrontend(configuration: configuration).run(samples, chunks: .samples(333))
        #expect(plain.frameCount == (samples.count - 400) / 160 + 1)
        #expect(plain.values.count == plain.frameCount * 32)
        #expect(plain.values.contains { $0 > 0 })
        configuration.logScale.isEnabled = false
        let linear = try FeatureFrontend(configuration: configuration).run(samples, chunks: .wholeInput)
        #expect(linear.values.count == plain.values.count)
        #expect(linear.values != plain.values)
    }
}
