import EarshotFeatures
import Testing

/// Minutes of real speech through one frontend instance: per-frame FNV-1a hashes of the
/// whole run and full values of its last frames against pymicro-features.
@Suite struct LongRunTests {
    @Test("minutes of continuous speech match frame by frame", arguments: [ChunkSize.samples(1), .samples(1000), .wholeInput])
    func longRunMatchesReference(chunks: ChunkSize) throws {
        let run = GoldenFixtures.manifest.longRun
        let channels = GoldenFixtures.manifest.channelCount
        let samples = try GoldenFixtures.longRunSamples()
        #expect(samples.count >= 3 * 60 * 16_000, "the long run must cover at least 3 minutes")
        let expectedHashes = try GoldenFixtures.littleEndianUInt64s(run.frameHashesFile)
        let expectedTail = try GoldenFixtures.littleEndianUInt16s(run.tailValuesFile)
        try #require(expectedHashes.count == run.frameCount)
        try #require(expectedTail.count == run.tailFrameCount * channels)

        let frontend = try FeatureFrontend(configuration: .microWakeWord)
        let output = frontend.run(samples, chunks: chunks)
        #expect(output.frameCount == run.frameCount)

        let hashes = output.values.withUnsafeBufferPointer { values in
            (0..<output.frameCount).map { frame in
                FNV1a64.hash(UnsafeBufferPointer(rebasing: values[frame * channels..<(frame + 1) * channels]))
            }
        }
        let firstMismatch = firstDifference(hashes, expectedHashes, by: !=)
        #expect(
            firstMismatch == nil,
            "\(chunks.testDescription): frame \(firstMismatch ?? -1) of \(run.frameCount) (at \(Double((firstMismatch ?? 0) * 160) / 16_000) s) differs"
        )

        let tailStart = output.frameCount - run.tailFrameCount
        try #require(tailStart >= 0)
        expectFramesEqual(
            Array(output.values[(tailStart * channels)...]), expectedTail, channels: channels, firstFrame: tailStart,
            "long run tail, \(chunks.testDescription)")
    }
}
