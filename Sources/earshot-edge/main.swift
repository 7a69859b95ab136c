import ArgumentParser
import EarshotAudio
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Set by SIGINT/SIGTERM: the capture in hand finishes its file before the program exits.
private let stopRequested = Atomic<Bool>(false)

/// The offline edge agent.
@main
struct EarshotEdge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earshot-edge",
        abstract: "Earshot's offline edge agent: microphone in, wake word, segments to the cloud.",
        discussion: """
            The detection pipeline and uploader arrive with the agent itself; today the agent
            captures audio from ALSA or a file, exactly as the pipeline will receive it.
            """,
        subcommands: [Record.self]
    )
}

/// Captures audio the way the agent does and writes it to a WAV file.
struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Capture 16 kHz mono audio from an ALSA device (or a file) into a WAV file.",
        discussion: """
            Use it to check a microphone: what it writes is exactly what the detection
            pipeline hears. A device that cannot give 16 kHz mono 16-bit is captured as it is
            and converted. Without a sound card, ALSA's `file` plugin plays a raw recording as
            a capture device (see README).
            """
    )

    @Option(name: .shortAndLong, help: "ALSA capture device: default, hw:1,0, plughw:1,0 or a configured PCM name.")
    var device = "default"

    @Option(name: .long, help: "Read this WAV file (any rate, encoding and channel count) instead of a device.")
    var file: String?

    @Option(name: .long, help: "Rate to ask the device for; the capture converts it to 16 kHz.")
    var deviceRate = 16_000

    @Option(name: .long, help: "Channel count to ask the device for; channels are averaged.")
    var deviceChannels = 1

    @Option(name: .shortAndLong, help: "Seconds to capture (a file stops at its end if sooner).")
    var seconds: Double = 5

    @Option(name: .shortAndLong, help: "Output WAV file (16 kHz mono 16-bit).")
    var output: String

    mutating func validate() throws {
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
    }

    func run() throws {
        let source: any SampleSource
        var capture: ALSACapture?
        if let file {
            source = try AudioFileReader(path: file)
        } else {
            let alsa = try ALSACapture(
                configuration: .init(device: device, deviceSampleRate: deviceRate, deviceChannelCount: deviceChannels))
            capture = alsa
            source = alsa
        }
        let writer = try WAVWriter(path: output, format: .speech)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber) { _ in stopRequested.store(true, ordering: .relaxed) }
        }
        let wanted = Int((seconds * 16_000).rounded())
        var chunk = [Int16](repeating: 0, count: 1_600)
        do {
            while writer.framesWritten < wanted, !stopRequested.load(ordering: .relaxed) {
                let room = min(chunk.count, wanted - writer.framesWritten)
                let count = try chunk.withUnsafeMutableBufferPointer {
                    try source.read(into: UnsafeMutableBufferPointer(rebasing: $0[0..<room]))
                }
                if count == 0 { break }
                try writer.write(chunk[0..<count])
            }
        } catch {
            try? writer.finish()  // keep what was captured before the failure
            throw error
        }
        try writer.finish()
        var summary = "earshot-edge: wrote \(writer.framesWritten) samples (\(Double(writer.framesWritten) / 16_000) s) to \(output)"
        if let capture {
            summary += " from \(capture.configuration.device) [\(capture.deviceFormat)], \(capture.overrunCount) overruns"
        }
        print(summary)
    }
}
