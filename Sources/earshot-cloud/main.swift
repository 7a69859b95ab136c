import ArgumentParser
import EarshotRecognition
import EarshotCloud
import Foundation
import Logging
import ServiceLifecycle

/// `earshot-cloud`: thin argument parsing over the EarshotCloud library.
struct EarshotCloudCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "earshot-cloud",
        abstract: "Earshot's phase-2 serving service: keyed wake-word verification over HTTP, batch serving, model versions.",
        subcommands: [Serve.self, Token.self, Models.self, Batch.self, ContextCommand.self, Transcribe.self])
}

/// Options shared by the commands that load models.
struct ModelOptions: ParsableArguments {
    @Option(help: "The folder of model versions (<name>/<version>/card.json).")
    var models: String = "cloud-models"

    @Option(help: "Where 'data:' test-set paths of model cards point.")
    var sharedData: String = "../shared/data"
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP service until SIGTERM or SIGINT (then drain in-flight requests).",
        discussion: "Prints 'earshot-cloud listening on http://HOST:PORT' on stdout once it listens (use --port 0 for a free port).")

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port: Int = 8080

    @Option(help: "Folder of the database (earshot.sqlite).")
    var data: String = "cloud-data"

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "File holding the admin token (admin routes are closed without one). The EARSHOT_ADMIN_TOKEN variable works too.")
    var adminTokenFile: String?

    @Option(help: "Inference worker threads (default: the number of cores).")
    var workers: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Waiting inference jobs before 503 + Retry-After (default: 4 per worker).")
    var queue: Int?

    @Option(help: "Largest request body in bytes.")
    var maxBody: Int = 2 << 20

    @Option(help: "Shortest accepted audio in seconds.")
    var minSeconds: Double = 0.5

    @Option(help: "Longest accepted audio in seconds.")
    var maxSeconds: Double = 30

    @Option(help: "Model that verifies wake words no model is named after (default: the first active).")
    var defaultVerifier: String?

    @Option(help: "Dynamic batching: most jobs one worker takes at once (1: off).")
    var maxBatch: Int = 1

    @Option(help: "Dynamic batching: milliseconds a worker waits for a batch to fill.")
    var maxBatchDelayMs: Double = 0

    @Flag(inversion: .prefixedNo, help: "Recognize each verified segment and parse it in a context (PocketSphinx; contexts from the models folder).")
    var understandCommands = true

    @Option(help: "The context for devices and requests that name none (default: the first active).")
    var defaultContext: String?

    @Option(help: "A device's context, DEVICE=CONTEXT (repeatable); a request's X-Earshot-Context header overrides it.")
    var deviceContext: [String] = []

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "earshot.cloud")
        var adminToken = ProcessInfo.processInfo.environment["EARSHOT_ADMIN_TOKEN"]
        if let adminTokenFile {
            guard let text = try? String(contentsOfFile: adminTokenFile, encoding: .utf8) else {
                throw ValidationError("cannot read the admin token file \(adminTokenFile)")
            }
            adminToken = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let configuration = CloudConfiguration(
            host: host, port: port, dataDirectory: data, modelsDirectory: modelOptions.models,
            sharedDataDirectory: modelOptions.sharedData, adminTokenHash: adminToken.flatMap { $0.isEmpty ? nil : DeviceTokens.hash($0) },
            workers: workers, queueCapacity: queue, maxBodyBytes: maxBody,
            audio: AudioValidator(minSeconds: minSeconds, maxSeconds: maxSeconds), defaultVerifier: defaultVerifier,
            maxBatch: maxBatch, maxBatchDelay: maxBatchDelayMs / 1000, understandsCommands: understandCommands,
            defaultContext: defaultContext, deviceContexts: try Self.deviceContexts(deviceContext))
        let server = try CloudServer(configuration: configuration, logger: logger)
        for status in server.registry.list() {
            logger.info(
                "model version",
                metadata: ["model": "\(status.name)@\(status.version)", "state": "\(status.state)", "reason": "\(status.reason ?? "")"])
        }
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        async let announced: Void = {
            let port = await server.boundPort()
            FileHandle.standardOutput.write(Data("earshot-cloud listening on http://\(host):\(port)\n".utf8))
        }()
        try await group.run()
        await announced
    }
}

extension Serve {
    /// `DEVICE=CONTEXT` pairs as a dictionary.
    static func deviceContexts(_ pairs: [String]) throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--device-context takes DEVICE=CONTEXT, not '\(pair)'")
            }
            result[parts[0]] = parts[1]
        }
        return result
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage device tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a bearer token for a device and print it (only its SHA-256 is stored).")

        @Option(help: "The device id (the first part of its segment keys).")
        var device: String

        @Option(help: "Folder of the database (earshot.sqlite).")
        var data: String = "cloud-data"

        func run() async throws {
            let store = try SQLiteSegmentStore(directory: data)
            FileHandle.standardOutput.write(Data((try DeviceTokens.create(device: device, store: store) + "\n").utf8))
        }
    }
}

struct Models: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List model and context versions, run every card's checks and print each version's state (exit 1 if any is refused).")

    @OptionGroup var modelOptions: ModelOptions

    @Flag(help: "Check contexts without the recognizer (skips the dictionary and grammar checks; faster).")
    var noRecognizer = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let registry = ModelRegistry(directory: modelOptions.models, dataDirectory: modelOptions.sharedData)
        let recognizer = noRecognizer ? nil : try PocketSphinxRecognizer()
        let contexts = ContextRegistry(directory: modelOptions.models, recognizer: recognizer)
        let statuses = registry.loadAll() + contexts.loadAll()
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(statuses), as: UTF8.self))
        } else {
            print("NAME".padding(toLength: 16, withPad: " ", startingAt: 0) + "VERSION   STATE      ACCURACY  WAKE WORD  REASON")
            for s in statuses {
                let accuracy = s.metric.map { String(format: "%.3f", $0) } ?? "-"
                print(
                    s.name.padding(toLength: 16, withPad: " ", startingAt: 0) + s.version.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + s.state.padding(toLength: 11, withPad: " ", startingAt: 0)
                        + accuracy.padding(toLength: 10, withPad: " ", startingAt: 0)
                        + (s.wakeWord ?? "-").padding(toLength: 11, withPad: " ", startingAt: 0) + (s.reason ?? ""))
            }
        }
        if statuses.isEmpty { throw ValidationError("no model versions under \(modelOptions.models)") }
        if statuses.contains(where: { $0.state == "refused" }) { throw ExitCode(1) }
    }
}

struct Batch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the verify function over many recordings on all cores; one JSON line per input.",
        discussion: """
            INPUT is a directory (every *.wav below it), a manifest (*.jsonl with {"key","file"} lines, or \
            *.txt/*.tsv/*.csv with KEY<TAB>FILE lines), a glob ('data/*/*.wav', quoted) or a WAV file. \
            Lines are {"file","key","verified","score","models","timings"} or {"file","key","error"}. \
            Resumable: keys already in --out are skipped and new lines appended. A progress bar is drawn \
            when stderr is a terminal.
            """)

    @Argument(help: "Directories, manifests, globs or WAV files.")
    var inputs: [String]

    @Option(help: "The JSONL file to write (appended to; keys already in it are skipped). Default: print the lines.")
    var out: String?

    @Option(help: "Also recognize each verified input and parse it in this context (YAML), adding transcript, intent and slots.")
    var context: String?

    @Option(help: "With --context: the wake word the recordings start with (default: the verifier's).")
    var wakeWord: String?

    @Flag(help: "With --context: understand inputs the verifier rejects too (recordings of commands without a wake word).")
    var understandAll = false

    @Option(help: "With --context: the highest accepted grammar/free-form score ratio (lower rejects more).")
    var maxScoreRatio: Double = CommandUnderstanding.defaultMaximumScoreRatio

    @OptionGroup var modelOptions: ModelOptions

    @Option(help: "The model to run, NAME or NAME@VERSION (default: the first active verifier).")
    var model: String?

    @Option(help: "Run only shard i of n (0 <= i < n), chosen by a hash of each key, e.g. 3/8.")
    var shard: String?

    @Option(help: "Worker threads (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Call the function in a plain loop on one thread instead of the worker pool (the baseline).")
    var plain = false

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let registry = ModelRegistry(directory: modelOptions.models, dataDirectory: modelOptions.sharedData)
        let loaded: LoadedModel
        do {
            if let model {
                let parts = model.split(separator: "@", maxSplits: 1).map(String.init)
                if parts.count == 2 {
                    loaded = try registry.load(name: parts[0], version: parts[1])
                } else {
                    registry.loadAll()
                    guard let active = registry.active(parts[0]) else {
                        throw ValidationError("no version of '\(parts[0])' passed its checks")
                    }
                    loaded = active
                }
            } else {
                registry.loadAll()
                guard let first = registry.verifier(for: nil, fallback: nil) else {
                    throw ValidationError("no model under \(modelOptions.models) passed its checks")
                }
                loaded = first
            }
            var items = try BatchInputs.items(inputs)
            if let shard {
                let (index, count) = try BatchInputs.parseShard(shard)
                items = BatchInputs.shard(items, index: index, count: count)
            }
            let output = try out.map { try BatchOutputFile(path: $0) }
            let todo = items.filter { !(output?.doneKeys.contains($0.key) ?? false) }
            var understanding: BatchUnderstanding?
            if let context {
                let (recognizer, freeForm) = try CommandUnderstanding.pocketSphinxRecognizers(decoders: plain ? 1 : jobs)
                understanding = BatchUnderstanding(
                    stage: CommandUnderstanding(recognizer: recognizer, freeFormRecognizer: freeForm, maximumScoreRatio: maxScoreRatio),
                    context: try LoadedContext.file(context), wakeWord: wakeWord, understandsUnverified: understandAll)
            }
            func write(_ result: BatchResult) throws {
                if let output {
                    try output.append(result.jsonLine())
                } else {
                    FileHandle.standardOutput.write(Data(result.jsonLine() + [10]))
                }
            }
            let skipped = items.count - todo.count
            let progress = ProgressBar(total: todo.count)
            var errors = 0
            let started = Date()
            if plain {
                let verifier = try WakeWordVerifier(model: loaded)
                for item in todo {
                    let result = BatchRunner.scoreInline(item, verifier: verifier, understanding: understanding)
                    if result.error != nil { errors += 1 }
                    try write(result)
                    progress.advance()
                }
            } else {
                let pool = InferencePool(workers: jobs, queueCapacity: 4 * jobs)
                defer { pool.shutdown() }
                try await BatchRunner(model: loaded, pool: pool, understanding: understanding).run(todo) { result in
                    if result.error != nil { errors += 1 }
                    try write(result)
                    progress.advance()
                }
            }
            progress.finish()
            let seconds = Date().timeIntervalSince(started)
            let summary = String(
                format: "batch: %d inputs, %d skipped (already in %@), %d scored, %d errors, %.2f s, %.1f files/s, model %@\n",
                items.count, skipped, out ?? "-", todo.count - errors, errors, seconds, Double(todo.count) / max(seconds, 1e-9),
                loaded.reference.description)
            FileHandle.standardError.write(Data(summary.utf8))
        } catch let error as CloudError {
            throw ValidationError(error.message)
        }
    }
}

// ArgumentParser's async `main()` needs `@main`; main.swift runs the same steps by hand,
// inside an async function so that the async `run()` is the one chosen.
func runCommand() async {
    do {
        var command = try EarshotCloudCommand.parseAsRoot()
        if var asyncCommand = command as? any AsyncParsableCommand {
            try await asyncCommand.run()
        } else {
            try command.run()
        }
    } catch {
        EarshotCloudCommand.exit(withError: error)
    }
}
await runCommand()
