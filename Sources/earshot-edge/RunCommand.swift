import ArgumentParser
import CMalloc
import EarshotAudio
import EarshotEdge
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Runs the agent.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Listen for wake words and send what follows them to the cloud (the default command).",
        discussion: """
            Audio comes from an ALSA device (default), a WAV file (--file) or raw 16 kHz mono \
            S16_LE on standard input (--stdin). Every segment is written to the spool before it \
            is uploaded and deleted only once the cloud has answered 2xx; without --cloud the \
            segments stay in the spool. Settings come from --config (JSON, snake_case keys as \
            in scripts/edge/earshot-edge.example.json); flags override the file. SIGINT/SIGTERM \
            finish the segment in hand and keep the spool. Status: a log line every \
            --status-interval seconds and <spool>/status.json.
            """
    )

    @Option(help: "JSON configuration file; flags override its values.")
    var config: String?

    @Option(name: .long, help: "A model card, model directory or microWakeWord manifest (.json); repeat for several models.")
    var model: [String] = []

    @Option(
        help: """
            Fire a wake-word model at once when one invocation's probability exceeds this, besides \
            its card's windowed rule (alexa at 0.95: median latency 209 -> 149 ms with the same recall \
            and false accepts on our test sets; see BENCHMARKS.md). Default: off, the card's rule alone.
            """)
    var fastCutoff: Double?

    @Option(name: .shortAndLong, help: "ALSA capture device (default: default).")
    var device: String?

    @Option(help: "ALSA configuration file with extra PCM definitions for --device (e.g. a `file` plugin playing a recording).")
    var alsaConfig: String?

    @Option(help: "Read this WAV file instead of a device.")
    var file: String?

    @Flag(help: "Read raw 16 kHz mono S16_LE audio from standard input.")
    var stdin = false

    @Flag(help: "With --file: deliver the file at real-time speed, like a microphone.")
    var realtime = false

    @Option(help: "Cloud base URL (http:// or https://); without it segments stay in the spool.")
    var cloud: String?

    @Option(help: "File holding this device's bearer token.")
    var tokenFile: String?

    @Option(help: "CA bundle to verify the cloud with.")
    var caFile: String?

    @Option(help: "Client certificate (PEM) for mutual TLS.")
    var clientCert: String?

    @Option(help: "Client key (PEM) for mutual TLS.")
    var clientKey: String?

    @Flag(help: "Do not verify the cloud's TLS certificate (testing only).")
    var insecure = false

    @Option(help: "Spool folder (default: /var/lib/earshot-edge/spool).")
    var spool: String?

    @Option(help: "Spool size limit in bytes; the oldest segments are dropped beyond it (default: 67108864).")
    var spoolMaxBytes: Int?

    @Option(help: "Device id used in segment keys (default: the host name).")
    var deviceId: String?

    @Option(help: "Seconds of audio kept before the wake word (default: 0.5).")
    var preRoll: Double?

    @Option(help: "Seconds of silence that end a command (default: 0.7).")
    var trailingSilence: Double?

    @Option(help: "Longest segment in seconds (default: 8).")
    var maxSegment: Double?

    @Option(help: "Seconds between status lines (default: 60).")
    var statusInterval: Double?

    @Option(help: "Stop after this many seconds of audio, as if the input had ended.")
    var duration: Double?

    @Option(help: "After the input ends, seconds to wait for uploads to finish (default: 30).")
    var drainTimeout: Double?

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "info"

    mutating func validate() throws {
        let inputs = [file != nil, stdin, device != nil].filter { $0 }.count
        guard inputs <= 1 else { throw ValidationError("choose one input: --device, --file or --stdin") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level \(logLevel)") }
        if realtime && file == nil { throw ValidationError("--realtime paces a --file") }
    }

    func run() throws {
        // One malloc arena for the agent's few threads: glibc's default of one per thread keeps
        // ≈ 0.5–0.8 MiB more resident (measured, BENCHMARKS.md) for no gain at this allocation rate.
        _ = earshot_limit_malloc_arenas(1)
        var settings = try config.map { try AgentConfiguration.load(path: $0) } ?? AgentConfiguration()
        if !model.isEmpty { settings.models = model }
        if let fastCutoff { settings.fastCutoff = fastCutoff }
        if let cloud { settings.cloudURL = cloud }
        if let tokenFile { settings.tokenFile = tokenFile }
        if let caFile { settings.caFile = caFile }
        if let clientCert { settings.clientCertificate = clientCert }
        if let clientKey { settings.clientKey = clientKey }
        if insecure { settings.verifyTLS = false }
        if let spool { settings.spoolDirectory = spool }
        if let spoolMaxBytes { settings.spoolMaxBytes = spoolMaxBytes }
        if let deviceId { settings.deviceID = deviceId }
        if let preRoll { settings.preRoll = preRoll }
        if let trailingSilence { settings.trailingSilence = trailingSilence }
        if let maxSegment { settings.maxSegmentLength = maxSegment }
        if let statusInterval { settings.statusInterval = statusInterval }
        if let drainTimeout { settings.drainTimeout = drainTimeout }

        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let agent = try EdgeAgent(configuration: settings, logger: Logger(label: "earshot.edge"))
        let source: any SampleSource
        if let file {
            let reader = try AudioFileReader(path: file)
            source = realtime ? PacedSampleSource(reader, chunkSize: 320) : reader
        } else if stdin {
            source = RawPCMSource()
        } else {
            let extra = try alsaConfig.map { path in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                    throw ValidationError("\(path): cannot read the ALSA configuration")
                }
                return text
            }
            source = try ALSACapture(configuration: .init(device: device ?? "default", extraConfiguration: extra))
        }
        installStopSignals()
        try agent.run(source: source, duration: duration) { stopRequested.load(ordering: .relaxed) }
    }
}

/// Prints the status a running (or finished) agent left in its spool.
struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the agent's counters from <spool>/status.json.")

    @Option(help: "Spool folder of the agent.")
    var spool = "/var/lib/earshot-edge/spool"

    func run() throws {
        let path = spool + "/status.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("\(path): no status file (is an agent running with this spool?)")
        }
        let status = try JSONDecoder().decode(AgentStatus.self, from: data)
        print(status)
    }
}
