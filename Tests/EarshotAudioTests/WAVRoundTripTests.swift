import Foundation
import Testing

@testable import EarshotAudio

@Suite struct WAVRoundTripTests {
    @Test(arguments: WAVFormat.Encoding.allCases)
    func everyEncodingRoundTrips(encoding: WAVFormat.Encoding) throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("tone.wav").path
        let samples = TestSupport.signal(count: 4_001, sampleRate: 16_000)
        let format = WAVFormat(encoding: encoding, sampleRate: 16_000, channelCount: 1)
        let writer = try WAVWriter(path: path, format: format)
        try writer.write(samples)
        try writer.finish()

        let reader = try WAVReader(path: path)
        #expect(reader.format == format)
        #expect(reader.frameCount == samples.count)
        let decoded = try reader.readAll()
        let tolerance: Float =
            switch encoding {
            case .pcmUnsigned8: 1 / 128
            case .pcm16: 1 / 32_768
            case .pcm24: 1 / 8_388_608
            default: 1e-7
            }
        let worst = zip(samples, decoded).map { abs($0 - $1) }.max() ?? 1
        #expect(worst <= tolerance, "largest error \(worst) for \(encoding)")
    }

    @Test func sixteenBitSamplesComeBackBitExact() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("exact.wav").path
        let samples: [Int16] = [0, 1, -1, 32_767, -32_768, 12_345, -23_456] + (0..<1000).map { Int16(truncatingIfNeeded: $0 &* 977) }
        try WAVWriter.write(samples, to: path)
        #expect(try AudioFileReader.readAll(path: path) == samples)
    }

    @Test func sixteenBitMonoFastPathMatchesTheFloatPath() throws {
        // A 16 kHz 16-bit mono file skips Float and the resampler; read in uneven pieces, it
        // must give exactly what the general path (decode to Float, round back) gives.
        let reader = try WAVReader(path: TestSupport.speechRecording)
        try #require(reader.isSixteenBitMono && reader.format.sampleRate == 16_000)
        let expected = try reader.readAll().map(SampleDecoder.int16)
        let source = try AudioFileReader(path: TestSupport.speechRecording)
        var samples: [Int16] = []
        var sizes = [1, 7, 160, 333, 4096].makeIterator()
        while true {
            var chunk = [Int16](repeating: 0, count: sizes.next() ?? 999)
            let count = try chunk.withUnsafeMutableBufferPointer { try source.read(into: $0) }
            if count == 0 { break }
            samples += chunk[0..<count]
        }
        #expect(samples == expected)
    }

    @Test func channelsAreAveraged() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("stereo.wav").path
        let left: [Int16] = [1000, -2000, 3000, 32_767]
        let right: [Int16] = [3000, 2000, -3000, 32_767]
        let interleaved = zip(left, right).flatMap { [$0, $1] }
        try WAVWriter.write(interleaved, to: path, format: WAVFormat(encoding: .pcm16, sampleRate: 16_000, channelCount: 2))
        #expect(try AudioFileReader.readAll(path: path) == [2000, 0, 0, 32_767])
    }

    @Test func blockReadsMatchAWholeRead() throws {
        let whole = try WAVReader(path: TestSupport.speechRecording).readAll()
        let reader = try WAVReader(path: TestSupport.speechRecording)
        var blocks: [Float] = []
        var sizes = [1, 7, 160, 333, 4096].makeIterator()
        while true {
            let size = sizes.next() ?? 999
            if try reader.read(maxFrames: size, into: &blocks) == 0 { break }
        }
        #expect(blocks == whole)
        #expect(reader.framesRead == reader.frameCount)
    }

    @Test func realRecordingDecodesToItsRawBytes() throws {
        let path = TestSupport.speechRecording
        let reader = try WAVReader(path: path)
        #expect(reader.format == .speech)
        let samples = try AudioFileReader.readAll(path: path)
        // Find the data chunk independently and compare sample by sample.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let marker = bytes.range(of: Data("data".utf8))!
        let start = marker.upperBound + 4
        let raw = (0..<reader.frameCount).map { index in
            Int16(bitPattern: UInt16(bytes[start + 2 * index]) | UInt16(bytes[start + 2 * index + 1]) << 8)
        }
        #expect(samples == raw)
    }

    @Test func otherRatesComeOutAt16kHzWithTheRightLength() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (rate, channels) in [(44_100, 2), (48_000, 1), (8_000, 1), (22_050, 3)] {
            let path = directory.appendingPathComponent("\(rate).wav").path
            let mono = TestSupport.signal(count: rate / 2, sampleRate: rate, noise: 0)
            let interleaved = mono.flatMap { Array(repeating: $0, count: channels) }
            let writer = try WAVWriter(path: path, format: WAVFormat(encoding: .float32, sampleRate: rate, channelCount: channels))
            try writer.write(interleaved)
            try writer.finish()
            let samples = try AudioFileReader.readAll(path: path)
            #expect(samples.count == 8_000, "\(rate) Hz gave \(samples.count) samples")
            // Tones in the pass band come through unchanged: compare with the same tones made at 16 kHz.
            let expected = TestSupport.signal(count: 8_000, sampleRate: 16_000, noise: 0).map { SampleDecoder.int16($0) }
            let middle = 1_000..<7_000
            let worst = middle.map { abs(Int(samples[$0]) - Int(expected[$0])) }.max()!
            #expect(worst <= 20, "\(rate) Hz: largest difference \(worst)")
        }
    }
}
