import EarshotRecognition
import Foundation

/// Everything `earshot-cloud serve` can be told.
public struct CloudConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`.
    public var host: String
    /// The port; 0 picks a free one (the bound port is printed and reported). Default 8080.
    public var port: Int
    /// Where the database lives (`earshot.sqlite`). Default `./cloud-data`.
    public var dataDirectory: String
    /// The folder of model versions. Default `./cloud-models`.
    public var modelsDirectory: String
    /// Where `data:` paths in model cards point. Default `../shared/data`.
    public var sharedDataDirectory: String
    /// SHA-256 hex of the admin token; admin routes are closed when nil.
    public var adminTokenHash: String?
    /// Inference worker threads. Default: the number of cores.
    public var workers: Int
    /// Waiting inference jobs beyond which uploads get 503 + `Retry-After`. Default 4 per worker.
    public var queueCapacity: Int
    /// The largest accepted request body in bytes. Default 2 MiB (about 65 s of audio).
    public var maxBodyBytes: Int
    /// Audio bounds and silence check.
    public var audio: AudioValidator
    /// The model that verifies wake words no model is named after. Default: the first active.
    public var defaultVerifier: String?
    /// The most jobs a worker takes at once (dynamic batching); 1 turns it off. Default 1.
    public var maxBatch: Int
    /// Seconds a worker waits for a batch to fill. Default 0.
    public var maxBatchDelay: Double
    /// Speech-to-intent after a verified wake word (PocketSphinx with the contexts found in
    /// the models folder). Default on.
    public var understandsCommands: Bool
    /// PocketSphinx's model folder (acoustic model, `en-us.lm.bin`, `cmudict-en-us.dict`).
    public var recognizerModelDirectory: String
    /// The context for devices and requests that name none. Default: the first active.
    public var defaultContext: String?
    /// Each device's context (device id → context name); a request's `X-Earshot-Context`
    /// header overrides it.
    public var deviceContexts: [String: String]

    /// Creates a configuration with the defaults above.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataDirectory: String = "cloud-data", modelsDirectory: String = "cloud-models",
        sharedDataDirectory: String = "../shared/data", adminTokenHash: String? = nil,
        workers: Int = ProcessInfo.processInfo.activeProcessorCount, queueCapacity: Int? = nil, maxBodyBytes: Int = 2 << 20,
        audio: AudioValidator = AudioValidator(), defaultVerifier: String? = nil, maxBatch: Int = 1, maxBatchDelay: Double = 0,
        understandsCommands: Bool = true, recognizerModelDirectory: String = PocketSphinxConfiguration.debianModelDirectory,
        defaultContext: String? = nil, deviceContexts: [String: String] = [:]
    ) {
        self.host = host
        self.port = port
        self.dataDirectory = dataDirectory
        self.modelsDirectory = modelsDirectory
        self.sharedDataDirectory = sharedDataDirectory
        self.adminTokenHash = adminTokenHash
        self.workers = max(1, workers)
        self.queueCapacity = queueCapacity ?? 4 * max(1, workers)
        self.maxBodyBytes = maxBodyBytes
        self.audio = audio
        self.defaultVerifier = defaultVerifier
        self.maxBatch = maxBatch
        self.maxBatchDelay = maxBatchDelay
        self.understandsCommands = understandsCommands
        self.recognizerModelDirectory = recognizerModelDirectory
        self.defaultContext = defaultContext
        self.deviceContexts = deviceContexts
    }
}
