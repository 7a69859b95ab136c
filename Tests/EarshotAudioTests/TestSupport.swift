import Foundation

/// Paths and scratch files shared by the audio tests.
enum TestSupport {
    /// The repository root, found from this file's location.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared/data` beside the repository: real recordings, 16 kHz mono 16-bit.
    static let sharedData = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    /// A real recording of speech from the shared data.
    static let speechRecording = sharedData.appendingPathComponent("pocketsphinx_test/goforward.wav").path

    /// A fresh scratch directory, removed by the caller.
    static func scratchDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-audio-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A deterministic test signal: a sum of tones with a little pseudo-random noise.
    static func signal(count: Int, sampleRate: Int, seed: UInt64 = 1, noise: Float = 0.01) -> [Float] {
        var state = seed
        return (0..<count).map { index in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let noise = Float(Int64(bitPattern: state) >> 40) / Float(1 << 23) * noise
            let time = Float(index) / Float(sampleRate)
            return 0.4 * sin(2 * .pi * 440 * time) + 0.2 * sin(2 * .pi * 1_250 * time) + noise
        }
    }

    /// Little-endian bytes of 16-bit samples, as a raw PCM file holds them.
    static func rawBytes(_ samples: [Int16]) -> Data {
        var data = Data(capacity: samples.count * 2)
        for sample in samples {
            let bits = UInt16(bitPattern: sample)
            data.append(UInt8(truncatingIfNeeded: bits))
            data.append(UInt8(truncatingIfNeeded: bits >> 8))
        }
        return data
    }
}
