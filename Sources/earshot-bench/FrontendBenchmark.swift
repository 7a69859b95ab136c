import ArgumentParser
import EarshotAudio
import EarshotFeatures
import Foundation

/// `earshot-bench frontend`: the feature frontend's cost per second of audio, measured on
/// minutes of real speech in a release build. scripts/features/benchmark.sh runs it beside
/// pymicro-features' C++ core on the same audio and prints the ratio.
struct FrontendBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "frontend",
        abstract: "Measure FeatureFrontend's cost per second of audio on looped real speech.",
        discussion: """
            The audio is every WAV (read as 16 kHz mono 16-bit) in the folders given by --folder under \
            --data, sorted by name, concatenated and looped to --seconds (or the raw \
            little-endian int16 file given by --input). It is fed to one frontend in chunks of \
            --chunk samples; the best of --repetitions passes is reported. The last line is \
            machine-readable: `RESULT key=value ...`, with an FNV-1a hash of all output frames \
            so a reference run on the same audio can be checked for identical output.
            """
    )

    @Option(help: "Seconds of audio to process per pass.")
    var seconds: Double = 600

    @Option(help: "The shared data folder with the recordings.")
    var data: String = "../shared/data"

    @Option(name: .customLong("folder"), help: "Folders under --data whose WAVs make up the audio (repeatable).")
    var folders: [String] = ["mycroft-precise/not-wake-words/en", "mycroft-precise/computer/en", "pocketsphinx_test"]

    @Option(help: "Read the audio from this raw little-endian int16 file instead (looped to --seconds).")
    var input: String?

    @Option(help: "Samples per call to process (160 = 10 ms, as a microphone delivers them).")
    var chunk: Int = 160

    @Option(help: "Timed passes; the fastest is reported.")
    var repetitions: Int = 5

    func validate() throws {
        guard seconds > 0, chunk > 0, repetitions > 0 else {
            throw ValidationError("--seconds, --chunk and --repetitions must be positive")
        }
    }

    func run() throws {
        let sampleRate = FrontendConfiguration.microWakeWord.sampleRate
        let source = try input.map { try Self.rawSamples(at: $0) } ?? loadRecordings()
        guard !source.isEmpty else { throw ValidationError("no audio found") }
        let total = Int(seconds * Double(sampleRate))
        var audio = [Int16]()
        audio.reserveCapacity(total)
        while audio.count < total { audio += source.prefix(total - audio.count) }
        let audioSeconds = Double(audio.count) / Double(sampleRate)

        let frontend = try FeatureFrontend(configuration: .microWakeWord)
        var timings: [Double] = []
        var outputHash: UInt64 = 0
        var frames = 0
        for _ in 0..<repetitions {
            frontend.reset()
            var hash: UInt64 = 0xCBF2_9CE4_8422_2325
            let start = ContinuousClock.now
            audio.withUnsafeBufferPointer { all in
                var offset = 0
                while offset < all.count {
                    let end = min(offset + chunk, all.count)
                    frontend.process(UnsafeBufferPointer(rebasing: all[offset..<end])) { frame in
                        for value in frame.values {
                            hash = (hash ^ UInt64(value & 0xFF)) &* 0x100_0000_01B3
                            hash = (hash ^ UInt64(value >> 8)) &* 0x100_0000_01B3
                        }
                    }
                    offset = end
                }
            }
            let elapsed = ContinuousClock.now - start
            timings.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            outputHash = hash
            frames = frontend.frameCount
        }
        // The hash costs a little per frame too; it is part of every timed pass above.
        let best = timings.min()!
        let median = timings.sorted()[timings.count / 2]
        let microsecondsPerSecond = best / audioSeconds * 1e6
        print(
            String(
                format: "EarshotFeatures: %.1f s of audio, %d frames, chunk %d: best %.3f s (median %.3f s) "
                    + "= %.1f us per second of audio, %.0fx real time",
                audioSeconds, frames, chunk, best, median, microsecondsPerSecond, audioSeconds / best))
        print(
            String(
                format: "RESULT impl=swift audio_seconds=%.3f frames=%d best_s=%.6f median_s=%.6f "
                    + "us_per_audio_second=%.3f output_fnv1a=%016llx",
                audioSeconds, frames, best, median, microsecondsPerSecond, outputHash))
    }

    private func loadRecordings() throws -> [Int16] {
        let root = URL(fileURLWithPath: data, isDirectory: true)
        var samples: [Int16] = []
        for folder in folders {
            let directory = root.appendingPathComponent(folder, isDirectory: true)
            let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".wav") }
                .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for name in names {
                samples += try AudioFileReader.readAll(path: directory.appendingPathComponent(name).path)
            }
        }
        return samples
    }

    private static func rawSamples(at path: String) throws -> [Int16] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 2).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) }
        }
    }
}
