import ArgumentParser
import EarshotAudio
import EarshotRecognition
import Foundation

/// `earshot-bench recognizer`: PocketSphinxRecognizer's real-time factor beside Debian's
/// `pocketsphinx_batch` on the same files in the same run, its throughput on all cores and
/// the memory one decoder holds.
struct RecognizerBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recognizer",
        abstract: "Time PocketSphinxRecognizer against pocketsphinx_batch on the same WAV files.",
        discussion: """
            Every WAV in --data is decoded free-form, one file per utterance. pocketsphinx_batch \
            (model load excluded: its own 'TOTAL … seconds wall' line) and our wrapper (one \
            decoder on one thread, after a warm-up pass) each decode all files --repetitions \
            times; the best pass is reported. Then --decoders decoders on as many threads \
            decode the files --repetitions times for throughput, and the resident memory \
            (/proc/self/statm) added by the decoders is read. The last line is \
            machine-readable: `RESULT key=value ...`.
            """)

    @Option(help: "Folder of 16 kHz mono WAV files.")
    var data: String = "../shared/data/pocketsphinx_test"

    @Option(help: "Timed passes; the fastest is reported.")
    var repetitions: Int = 3

    @Option(help: "Decoders (and threads) for the throughput and memory figures (default: the number of cores).")
    var decoders: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Skip the posterior probability (a lattice forward-backward pass per utterance).")
    var noConfidence = false

    @Option(help: "The pocketsphinx_batch binary (the reference).")
    var batch: String = "/usr/bin/pocketsphinx_batch"

    func validate() throws {
        guard repetitions > 0, decoders > 0 else { throw ValidationError("--repetitions and --decoders must be positive") }
    }

    func run() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: data).filter { $0.hasSuffix(".wav") }.sorted()
        guard !names.isEmpty else { throw ValidationError("no WAV files in \(data)") }
        let segments = try names.map { try AudioFileReader.readAll(path: data + "/" + $0) }
        let audioSeconds = Double(segments.reduce(0) { $0 + $1.count }) / 16_000
        let cores = ProcessInfo.processInfo.activeProcessorCount

        // Ours: one decoder, one thread; the reference: pocketsphinx_batch on the same files and
        // samples (-adchdr 44 skips the WAV header), its model load excluded.
        let rssBefore = Self.residentBytes()
        let single = try PocketSphinxRecognizer(PocketSphinxConfiguration(decoders: 1, computesConfidence: !noConfidence))
        var perSegment: [Double] = []
        for samples in segments { perSegment.append(try single.transcribe(samples).realTimeFactor) }  // warm-up
        let rssOneDecoder = Self.residentBytes()
        // Passes alternate between the reference and ours, so that a burst of other work on a
        // shared machine hits both alike.
        var batchBest = Double.infinity
        var batchCPUBest = Double.infinity
        var oursBest = Double.infinity
        var oursCPUBest = Double.infinity
        for _ in 0..<repetitions {
            let (wall, cpu) = try runBatch(ids: names.map { String($0.dropLast(4)) })
            batchBest = min(batchBest, wall)
            batchCPUBest = min(batchCPUBest, cpu)
            let cpuStart = Self.processCPUSeconds()
            let start = DispatchTime.now().uptimeNanoseconds
            var factors: [Double] = []
            for samples in segments { factors.append(try single.transcribe(samples).realTimeFactor) }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            oursCPUBest = min(oursCPUBest, Self.processCPUSeconds() - cpuStart)
            if elapsed < oursBest {
                oursBest = elapsed
                perSegment = factors
            }
        }
        perSegment.sort()

        // Throughput and memory: `decoders` decoders on as many threads.
        let rssBeforePool = Self.residentBytes()
        let pool = try PocketSphinxRecognizer(PocketSphinxConfiguration(decoders: decoders, computesConfidence: !noConfidence))
        let rssPoolLoaded = Self.residentBytes()
        let jobs = Array(repeating: segments, count: repetitions).flatMap { $0 }
        let next = Counter()
        let start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: decoders) { _ in
            while let index = next.take(below: jobs.count) { _ = try? pool.transcribe(jobs[index]) }
        }
        let poolSeconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let rssPoolUsed = Self.residentBytes()

        let batchFactor = batchBest / audioSeconds
        let oursFactor = oursBest / audioSeconds
        let segmentsPerSecondPerCore = Double(jobs.count) / poolSeconds / Double(min(decoders, cores))
        let mib = 1048576.0
        print(
            String(
                format: "audio: %d files, %.2f s; best of %d passes; %d cores", names.count, audioSeconds, repetitions, cores))
        print(
            String(
                format: "pocketsphinx_batch:     %.3f s per pass, real-time factor %.4f (CPU time: %.3f s, %.4f)", batchBest,
                batchFactor, batchCPUBest, batchCPUBest / audioSeconds))
        print(
            String(
                format: "PocketSphinxRecognizer: %.3f s per pass, real-time factor %.4f (CPU time: %.3f s, %.4f); "
                    + "per segment: min %.4f, median %.4f, max %.4f",
                oursBest, oursFactor, oursCPUBest, oursCPUBest / audioSeconds, perSegment.first!,
                perSegment[perSegment.count / 2], perSegment.last!))
        print(
            String(
                format: "ratio ours/pocketsphinx_batch: %.3f wall, %.3f CPU", oursFactor / batchFactor,
                oursCPUBest / batchCPUBest))
        print(
            String(
                format: "throughput: %d decoders on %d threads, %d segments in %.3f s = %.2f segments/s, %.2f segments/s per core "
                    + "(%.1f s of audio per second per core)",
                decoders, decoders, jobs.count, poolSeconds, Double(jobs.count) / poolSeconds, segmentsPerSecondPerCore,
                audioSeconds * Double(repetitions) / poolSeconds / Double(min(decoders, cores))))
        print(
            String(
                format: "memory: first decoder +%.1f MiB RSS (after decoding all files); pool of %d: +%.1f MiB loaded, "
                    + "+%.1f MiB after decoding = %.1f MiB per decoder",
                Double(rssOneDecoder - rssBefore) / mib, decoders, Double(rssPoolLoaded - rssBeforePool) / mib,
                Double(rssPoolUsed - rssBeforePool) / mib, Double(rssPoolUsed - rssBeforePool) / mib / Double(decoders)))
        print(
            String(
                format: "RESULT impl=swift audio_seconds=%.3f batch_rtf=%.5f ours_rtf=%.5f ratio=%.4f cpu_ratio=%.4f "
                    + "segments_per_s_per_core=%.3f mib_per_decoder=%.2f",
                audioSeconds, batchFactor, oursFactor, oursFactor / batchFactor, oursCPUBest / batchCPUBest,
                segmentsPerSecondPerCore,
                Double(rssPoolUsed - rssBeforePool) / mib / Double(decoders)))
    }

    /// Runs pocketsphinx_batch over `ids` and returns its own decoding wall and CPU times.
    private func runBatch(ids: [String]) throws -> (wall: Double, cpu: Double) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let control = scratch.appendingPathComponent("files.ctl").path
        let log = scratch.appendingPathComponent("batch.log").path
        try (ids.joined(separator: "\n") + "\n").write(toFile: control, atomically: true, encoding: .utf8)
        let model = PocketSphinxConfiguration()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: batch)
        process.arguments = [
            "-adcin", "yes", "-adchdr", "44", "-cepdir", data, "-cepext", ".wav", "-ctl", control,
            "-hmm", model.acousticModel, "-lm", model.languageModel, "-dict", model.dictionary,
            "-hyp", scratch.appendingPathComponent("out.hyp").path, "-logfn", log,
        ]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ValidationError("\(batch) exited with \(process.terminationStatus)") }
        // "INFO: batch.c(777): TOTAL 35.74 seconds speech, 5.61 seconds CPU, 5.62 seconds wall"
        let text = try String(contentsOfFile: log, encoding: .utf8)
        guard
            let line = text.split(separator: "\n").first(where: {
                $0.contains("batch.c") && $0.contains("TOTAL") && $0.contains("seconds wall")
            }),
            let wall = line.firstMatch(of: /([0-9.]+) seconds wall/).flatMap({ Double($0.1) }),
            let cpu = line.firstMatch(of: /([0-9.]+) seconds CPU/).flatMap({ Double($0.1) })
        else { throw ValidationError("no 'TOTAL … seconds CPU, … seconds wall' line in \(batch)'s log") }
        return (wall, cpu)
    }

    /// CPU seconds this process has used (all threads).
    static func processCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// The process's resident set size, from /proc/self/statm.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
    }
}

/// Hands out indices to several threads.
private final class Counter: @unchecked Sendable {
    // Invariant: `value` is only touched with `lock` held.
    private let lock = NSLock()
    private var value = 0

    func take(below limit: Int) -> Int? {
        lock.withLock {
            guard value < limit else { return nil }
            defer { value += 1 }
            return value
        }
    }
}
