import EarshotFeatures
import Testing

@Suite struct ResetTests {
    @Test("reset() gives the same output as a new frontend")
    func resetMatchesFreshFrontend() throws {
        let speech = try GoldenFixtures.samples(for: GoldenFixtures.testCase(named: "speech_goforward"))
        let noise = try GoldenFixtures.samples(for: GoldenFixtures.testCase(named: "white_noise_full_scale"))

        let fresh = try FeatureFrontend(configuration: .microWakeWord).run(speech, chunks: .samples(160))
        #expect(fresh.frameCount > 0)

        let reused = try FeatureFrontend(configuration: .microWakeWord)
        // Leave a noise estimate and a half-filled window behind.
        _ = reused.run(Array(noise.prefix(12_345)), chunks: .samples(1000))
        #expect(reused.bufferedSampleCount > 0)
        reused.reset()
        #expect(reused.frameCount == 0)
        #expect(reused.bufferedSampleCount == 0)

        let again = reused.run(speech, chunks: .samples(161))
        #expect(again.indices == fresh.indices)
        #expect(again.values == fresh.values)
        #expect(again.features == fresh.features)
    }

    @Test("state carries over: without reset the output differs")
    func noResetKeepsState() throws {
        let speech = try GoldenFixtures.samples(for: GoldenFixtures.testCase(named: "speech_goforward"))
        let noise = try GoldenFixtures.samples(for: GoldenFixtures.testCase(named: "white_noise_full_scale"))
        let fresh = try FeatureFrontend().run(speech, chunks: .samples(160))
        let frontend = try FeatureFrontend()
        _ = frontend.run(noise, chunks: .samples(160))
        let continued = frontend.run(speech, chunks: .samples(160))
        #expect(continued.values != fresh.values)
    }
}
