import ArgumentParser
import EarshotAudio
import Foundation

/// CPU cost of the ALSA capture path, beside `arecord` reading the same device.
///
/// Both read an hour of real speech (a recording looped into a raw file) through ALSA's
/// `file` plugin as 16 kHz mono S16_LE; the figure is CPU seconds (user + system) per hour.
struct CaptureBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "CPU seconds per hour of audio captured through ALSA, ours vs arecord."
    )

    @Option(help: "A 16 kHz mono 16-bit WAV to loop into the capture file.")
    var recording = "../shared/data/pocketsphinx_test/sense_and_sensibility_01_austen_64kb-0870.wav"

    @Option(help: "Minutes of audio to capture.")
    var minutes = 60

    @Option(help: "Frames per ALSA period.")
    var periodFrames = 320

    func run() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("earshot-capture-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let speech = try AudioFileReader.readAll(path: recording)
        let total = minutes * 60 * 16_000
        let rawPath = directory.appendingPathComponent("capture.raw").path
        guard let raw = fopen(rawPath, "wb") else { throw ValidationError("cannot write \(rawPath)") }
        var written = 0
        while written < total {
            let count = min(speech.count, total - written)
            _ = speech.withUnsafeBufferPointer { fwrite($0.baseAddress, 2, count, raw) }
            written += count
        }
        fclose(raw)
        let configurationPath = directory.appendingPathComponent("bench.conf").path
        try """
        pcm.earshot_bench {
            type file
            slave.pcm "null"
            file "/dev/null"
            infile "\(rawPath)"
            format "raw"
        }
        """.write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let alsaPath = "/usr/share/alsa/alsa.conf:\(configurationPath)"
        setenv("ALSA_CONFIG_PATH", alsaPath, 1)

        let before = cpuSeconds(Int32(RUSAGE_SELF.rawValue))
        let capture = try ALSACapture(configuration: .init(device: "earshot_bench", periodFrames: periodFrames))
        var buffer = [Int16](repeating: 0, count: periodFrames)
        var captured = 0
        var checksum: Int64 = 0
        while captured < total {
            let count = try buffer.withUnsafeMutableBufferPointer { try capture.read(into: $0) }
            for index in 0..<count { checksum &+= Int64(buffer[index]) }
            captured += count
        }
        capture.close()
        let ours = cpuSeconds(Int32(RUSAGE_SELF.rawValue)) - before

        let arecord = Process()
        arecord.executableURL = URL(fileURLWithPath: "/usr/bin/arecord")
        arecord.arguments = [
            "-q", "-D", "earshot_bench", "-f", "S16_LE", "-r", "16000", "-c", "1", "-t", "raw",
            "--period-size=\(periodFrames)", "-s", "\(total)", "/dev/null",
        ]
        arecord.environment = ["ALSA_CONFIG_PATH": alsaPath]
        let childrenBefore = cpuSeconds(Int32(RUSAGE_CHILDREN.rawValue))
        try arecord.run()
        arecord.waitUntilExit()
        guard arecord.terminationStatus == 0 else { throw ValidationError("arecord failed with status \(arecord.terminationStatus)") }
        let theirs = cpuSeconds(Int32(RUSAGE_CHILDREN.rawValue)) - childrenBefore

        let hours = Double(minutes) / 60
        print("capture path, \(minutes) min of audio via ALSA file plugin, period \(periodFrames) frames (checksum \(checksum))")
        print(String(format: "  earshot ALSACapture: %.3f CPU-s per audio hour", ours / hours))
        print(String(format: "  arecord (reference): %.3f CPU-s per audio hour", theirs / hours))
        print(String(format: "  ratio ours/arecord:  %.2f", ours / theirs))
    }

    private func cpuSeconds(_ who: Int32) -> Double {
        var usage = rusage()
        getrusage(who, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
