import EarshotAudio
import EarshotRecognition
import EarshotWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The phase-2 serving service: the HTTP API over the pipeline, the model registry and the
/// store, run as a swift-service-lifecycle `Service`.
///
/// ```swift
/// let server = try CloudServer(configuration: configuration)
/// let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()          // SIGTERM: stop accepting, drain in-flight requests, stop workers
/// ```
///
/// Routes: `PUT/GET /v1/segments/{key}`, `/health/live`, `/health/ready`, `/metrics`, the admin
/// routes under `/v1/models` and `/v1/tokens`, batches under `/v1/batches`, and the KServe v2
/// routes under `/v2`.
public final class CloudServer: Service, Sendable {
    /// The configuration it was started with.
    public let configuration: CloudConfiguration
    /// The model versions.
    public let registry: ModelRegistry
    /// The database.
    public let store: any SegmentStore
    /// The inference workers.
    public let pool: InferencePool
    /// The metrics `/metrics` prints.
    public let metrics: CloudMetrics
    /// The phase-2 function.
    public let pipeline: SegmentPipeline
    /// The speech-to-intent contexts (nil when the service does not understand commands).
    public let contexts: ContextRegistry?
    let batches: BatchJobs
    let authenticator: Authenticator
    let logger: Logger
    private let bound = Mutex<(port: Int?, waiters: [CheckedContinuation<Int, Never>])>((nil, []))

    /// Opens the store, loads every model version found (running each card's checks) and
    /// starts the inference workers. The server listens once ``run()`` is called.
    ///
    /// - Parameter store: the store to use; default: SQLite in the data directory.
    /// - Throws: ``CloudError`` `storage` when the database cannot be opened.
    public init(configuration: CloudConfiguration, store: (any SegmentStore)? = nil, logger: Logger = Logger(label: "earshot.cloud"))
        throws
    {
        self.configuration = configuration
        self.logger = logger
        self.store = try store ?? SQLiteSegmentStore(directory: configuration.dataDirectory)
        metrics = CloudMetrics()
        registry = ModelRegistry(
            directory: configuration.modelsDirectory, dataDirectory: configuration.sharedDataDirectory, logger: logger)
        registry.loadAll()
        pool = InferencePool(
            workers: configuration.workers, queueCapacity: configuration.queueCapacity, maxBatch: configuration.maxBatch,
            maxBatchDelay: configuration.maxBatchDelay, observer: metrics)
        if configuration.understandsCommands {
            let recognizer: PocketSphinxRecognizer
            let freeForm: PocketSphinxRecognizer
            do {
                (recognizer, freeForm) = try CommandUnderstanding.pocketSphinxRecognizers(
                    decoders: configuration.workers, modelDirectory: configuration.recognizerModelDirectory)
            } catch {
                throw CloudError(.unavailable, "the speech recognizer cannot start: \(error)")
            }
            contexts = ContextRegistry(directory: configuration.modelsDirectory, recognizer: recognizer, logger: logger)
            contexts?.loadAll()
            if let contexts {
                Self.warmUp(grammarPass: recognizer, freeForm: freeForm, contexts: contexts, registry: registry, logger: logger)
            }
            pipeline = SegmentPipeline(
                registry: registry, pool: pool, metrics: metrics, defaultVerifier: configuration.defaultVerifier,
                understanding: CommandUnderstanding(recognizer: recognizer, freeFormRecognizer: freeForm), contexts: contexts,
                defaultContext: configuration.defaultContext, deviceContexts: configuration.deviceContexts)
        } else {
            contexts = nil
            pipeline = SegmentPipeline(registry: registry, pool: pool, metrics: metrics, defaultVerifier: configuration.defaultVerifier)
        }
        authenticator = Authenticator(store: self.store, adminTokenHash: configuration.adminTokenHash)
        batches = BatchJobs(store: self.store, pipeline: pipeline, logger: logger)
    }

    /// Runs every decoder once before the first request (see
    /// ``PocketSphinxRecognizer/warmUp(_:grammars:)``): free-form, and within each active
    /// context's grammar for each loaded wake word, on the first recording of a context's test set.
    private static func warmUp(
        grammarPass: PocketSphinxRecognizer, freeForm: PocketSphinxRecognizer, contexts: ContextRegistry, registry: ModelRegistry,
        logger: Logger
    ) {
        let active = contexts.activeNames.compactMap { contexts.active($0) }
        let wakeWords = Set(registry.list().filter { $0.state == "active" }.compactMap { $0.wakeWord?.lowercased() })
        let grammars = active.flatMap { context in [context.grammar(wakeWord: nil)] + wakeWords.sorted().map { context.grammar(wakeWord: $0) } }
        let recordings = active.flatMap { context in
            ((try? FileManager.default.contentsOfDirectory(atPath: context.directory + "/test-set")) ?? [])
                .filter { $0.hasSuffix(".wav") }.sorted().map { context.directory + "/test-set/" + $0 }
        }
        let audio = recordings.first.flatMap { try? AudioFileReader.readAll(path: $0) } ?? [Int16](repeating: 0, count: 16_000)
        do {
            let seconds = try freeForm.warmUp(CommandUnderstanding.withNoiseFloor(audio))
                + grammarPass.warmUp(CommandUnderstanding.withNoiseFloor(audio), grammars: grammars)
            logger.info(
                "recognizers warmed up",
                metadata: ["seconds": "\((seconds * 100).rounded() / 100)", "grammars": "\(grammars.count)", "audio": "\(recordings.first ?? "silence")"])
        } catch {
            logger.warning("recognizer warm-up failed; the first requests will be slower", metadata: ["reason": "\(error)"])
        }
    }

    /// Serves until cancelled or asked to shut down gracefully; then lets in-flight requests
    /// finish and stops the workers.
    public func run() async throws {
        let app = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "earshot-cloud"),
            onServerRunning: { [self] channel in
                let port = channel.localAddress?.port ?? configuration.port
                let waiters = bound.withLock { state in
                    state.port = port
                    defer { state.waiters = [] }
                    return state.waiters
                }
                for waiter in waiters { waiter.resume(returning: port) }
                logger.info("listening", metadata: ["address": "http://\(configuration.host):\(port)"])
            },
            logger: logger)
        do {
            try await app.run()
        } catch {
            pool.shutdown()
            throw error
        }
        pool.shutdown()
        logger.info("stopped")
    }

    /// The port the server listens on, once it does (waits until then).
    public func boundPort() async -> Int {
        await withCheckedContinuation { continuation in
            let port = bound.withLock { state -> Int? in
                if let port = state.port { return port }
                state.waiters.append(continuation)
                return nil
            }
            if let port { continuation.resume(returning: port) }
        }
    }

    func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware(metrics: metrics))
        addSegmentRoutes(to: router)
        addHealthRoutes(to: router)
        addAdminRoutes(to: router)
        addBatchRoutes(to: router)
        addKServeRoutes(to: router)
        return router
    }

    /// Collects a request body, refusing more than the configured limit with 413.
    func body(of request: Request, limit: Int? = nil) async throws -> [UInt8] {
        let limit = limit ?? configuration.maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw CloudError(.payloadTooLarge, "the body has \(length) bytes; the limit is \(limit)")
        }
        do {
            var buffer = try await request.body.collect(upTo: limit)
            return buffer.readBytes(length: buffer.readableBytes) ?? []
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw CloudError(.payloadTooLarge, "the body is larger than the limit of \(limit) bytes")
        }
    }
}
