import EarshotWire

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Everything the edge agent is told: which models, where to spool, where the cloud is, and
/// how to cut segments. Loaded from a JSON file (every field optional but `models`), then
/// overridden by command-line flags.
///
/// ```json
/// {
///   "device_id": "kitchen-pi",
///   "models": ["/opt/earshot/edge-models/computer"],
///   "cloud_url": "https://cloud.example.com",
///   "token_file": "/etc/earshot/token",
///   "spool_directory": "/var/lib/earshot-edge/spool"
/// }
/// ```
public struct AgentConfiguration: Sendable, Equatable, Codable {
    /// The device's id in segment keys (letters, digits, `-` and `_`).
    public var deviceID: String
    /// Model cards or microWakeWord manifests (files or model directories).
    public var models: [String]
    /// One invocation above this fires a wake-word model at once, for every model (see
    /// ``WakeWordDetector/fastCutoff``); nil: each card's own rule.
    public var fastCutoff: Double?
    /// The cloud's base URL; nil keeps segments in the spool without uploading.
    public var cloudURL: String?
    /// A file holding the device's bearer token.
    public var tokenFile: String?
    /// Verify the cloud's TLS certificate (default on).
    public var verifyTLS: Bool
    /// CA bundle to verify the cloud with, instead of the system's.
    public var caFile: String?
    /// Client certificate (PEM) for mutual TLS.
    public var clientCertificate: String?
    /// Client key (PEM) for mutual TLS.
    public var clientKey: String?
    /// Seconds to wait for a connection.
    public var connectTimeout: Double
    /// Seconds one upload may take.
    public var requestTimeout: Double
    /// The on-disk queue's folder.
    public var spoolDirectory: String
    /// Most bytes the spool keeps; the oldest segments are dropped beyond it.
    public var spoolMaxBytes: Int
    /// Seconds a segment may wait in the spool before it is dropped.
    public var spoolMaxAge: Double
    /// Seconds of audio kept before the wake word starts.
    public var preRoll: Double
    /// Seconds of silence that end a command.
    public var trailingSilence: Double
    /// The longest segment in seconds.
    public var maxSegmentLength: Double
    /// Seconds to wait after the wake word for a command to start.
    public var commandTimeout: Double
    /// Seconds between status lines (and status-file updates).
    public var statusInterval: Double
    /// At the end of a file input, seconds to wait for the spool to drain before exiting.
    public var drainTimeout: Double

    /// The defaults of every field but `models`.
    public init(models: [String] = []) {
        deviceID = Self.defaultDeviceID
        self.models = models
        cloudURL = nil
        tokenFile = nil
        verifyTLS = true
        caFile = nil
        clientCertificate = nil
        clientKey = nil
        connectTimeout = 5
        requestTimeout = 30
        spoolDirectory = "/var/lib/earshot-edge/spool"
        spoolMaxBytes = 64 * 1024 * 1024
        spoolMaxAge = 7 * 24 * 3600
        preRoll = 0.5
        trailingSilence = 0.7
        maxSegmentLength = 8
        commandTimeout = 2
        statusInterval = 60
        drainTimeout = 30
    }

    /// The host name, reduced to the characters a key allows.
    public static var defaultDeviceID: String {
        let name = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "earshot"
        let cleaned = String(name.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "-" }.prefix(32))
        return cleaned.isEmpty ? "earshot" : cleaned
    }

    private enum CodingKeys: String, CodingKey {
        case deviceID = "device_id", models, fastCutoff = "fast_cutoff", cloudURL = "cloud_url", tokenFile = "token_file", verifyTLS = "verify_tls"
        case caFile = "ca_file", clientCertificate = "client_certificate", clientKey = "client_key"
        case connectTimeout = "connect_timeout", requestTimeout = "request_timeout"
        case spoolDirectory = "spool_directory", spoolMaxBytes = "spool_max_bytes", spoolMaxAge = "spool_max_age"
        case preRoll = "pre_roll", trailingSilence = "trailing_silence", maxSegmentLength = "max_segment_length"
        case commandTimeout = "command_timeout", statusInterval = "status_interval", drainTimeout = "drain_timeout"
    }

    /// Reads a configuration, taking the default for every field the JSON leaves out.
    public init(from decoder: any Decoder) throws {
        self.init()
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func take<T: Decodable>(_ key: CodingKeys, _ field: inout T) throws {
            if let value = try container.decodeIfPresent(T.self, forKey: key) { field = value }
        }
        try take(.deviceID, &deviceID)
        try take(.models, &models)
        fastCutoff = try container.decodeIfPresent(Double.self, forKey: .fastCutoff)
        cloudURL = try container.decodeIfPresent(String.self, forKey: .cloudURL)
        tokenFile = try container.decodeIfPresent(String.self, forKey: .tokenFile)
        try take(.verifyTLS, &verifyTLS)
        caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
        clientCertificate = try container.decodeIfPresent(String.self, forKey: .clientCertificate)
        clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
        try take(.connectTimeout, &connectTimeout)
        try take(.requestTimeout, &requestTimeout)
        try take(.spoolDirectory, &spoolDirectory)
        try take(.spoolMaxBytes, &spoolMaxBytes)
        try take(.spoolMaxAge, &spoolMaxAge)
        try take(.preRoll, &preRoll)
        try take(.trailingSilence, &trailingSilence)
        try take(.maxSegmentLength, &maxSegmentLength)
        try take(.commandTimeout, &commandTimeout)
        try take(.statusInterval, &statusInterval)
        try take(.drainTimeout, &drainTimeout)
    }

    /// Loads a JSON configuration file.
    ///
    /// - Throws: ``EdgeError`` (`invalidConfiguration`) naming the file and the field.
    public static func load(path: String) throws -> AgentConfiguration {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EdgeError(.invalidConfiguration, path, "cannot read: \(errorReason(error))")
        }
        do {
            return try JSONDecoder().decode(AgentConfiguration.self, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw EdgeError(.invalidConfiguration, path, "field '\(field)': \(context.debugDescription)")
        } catch {
            throw EdgeError(.invalidConfiguration, path, "not a valid configuration: \(error)")
        }
    }

    /// Checks ranges and combinations.
    public func validate() throws {
        guard !models.isEmpty else {
            throw EdgeError(.invalidConfiguration, "configuration", "no model given (--model or \"models\")")
        }
        guard preRoll >= 0, trailingSilence > 0, maxSegmentLength > 0, commandTimeout >= 0, statusInterval > 0, drainTimeout >= 0 else {
            throw EdgeError(.invalidConfiguration, "configuration", "segment and status times must be positive")
        }
        if let fastCutoff, !(fastCutoff > 0 && fastCutoff < 1) {
            throw EdgeError(.invalidConfiguration, "configuration", "fast cutoff \(fastCutoff) is not between 0 and 1")
        }
        if cloudURL != nil && tokenFile == nil {
            throw EdgeError(.invalidConfiguration, "configuration", "a cloud URL needs a token file (--token-file)")
        }
    }
}
