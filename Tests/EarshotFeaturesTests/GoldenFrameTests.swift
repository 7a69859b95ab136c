import EarshotFeatures
import Testing

/// Frame-by-frame equality with pymicro-features 2.0.2 on real speech and synthetic edge
/// cases, whatever the chunking of the input.
@Suite struct GoldenFrameTests {
    static let caseNames = GoldenFixtures.manifest.cases.map(\.name)

    @Test("raw values equal pymicro-features", arguments: caseNames, ChunkSize.all)
    func valuesMatchReference(caseName: String, chunks: ChunkSize) throws {
        let testCase = try GoldenFixtures.testCase(named: caseName)
        let samples = try GoldenFixtures.samples(for: testCase)
        let expected = try GoldenFixtures.littleEndianUInt16s(testCase.valuesFile)
        let channels = GoldenFixtures.manifest.channelCount
        try #require(expected.count == testCase.frameCount * channels)

        let frontend = try FeatureFrontend(configuration: .microWakeWord)
        let run = frontend.run(samples, chunks: chunks)

        #expect(run.frameCount == testCase.frameCount)
        #expect(run.indices == Array(0..<run.frameCount))
        expectFramesEqual(run.values, expected, channels: channels, "\(caseName), \(chunks.testDescription)")
        #expect(frontend.frameCount == testCase.frameCount)
        #expect(frontend.bufferedSampleCount < frontend.windowSampleCount)
    }

    @Test("features are the values times pymicro-features' scale", arguments: caseNames)
    func featuresAreScaledValues(caseName: String) throws {
        let testCase = try GoldenFixtures.testCase(named: caseName)
        let samples = try GoldenFixtures.samples(for: testCase)
        let run = try FeatureFrontend(configuration: .microWakeWord).run(samples, chunks: .samples(160))
        let scale = GoldenFixtures.manifest.featureScale
        #expect(scale == FrontendConfiguration.microWakeWord.featureScale)
        #expect(run.features == run.values.map { Float($0) * scale })

        if let featuresFile = testCase.featuresFile {
            // The floats pymicro-features returned, stored bit for bit.
            let expected = try GoldenFixtures.littleEndianFloats(featuresFile)
            #expect(run.features.count == expected.count)
            let firstDifference = firstDifference(run.features, expected) { $0.bitPattern != $1.bitPattern }
            #expect(firstDifference == nil, "\(caseName): feature \(firstDifference ?? -1) differs from pymicro's float")
        }
    }
}
