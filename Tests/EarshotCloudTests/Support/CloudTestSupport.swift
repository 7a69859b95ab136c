import EarshotAudio
import EarshotCloud
import EarshotWire
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// Paths of the repository and its fetched models.
enum Repo {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()
    static let models = root + "/cloud-models"
    static let sharedData = root + "/../shared/data"
    static let referenceModels = root + "/reference-models/microwakeword"

    /// Runs scripts/cloud/fetch-models.sh once, so the model files and test recordings exist.
    static let fetched: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [root + "/scripts/cloud/fetch-models.sh"]
        try? process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// A 16 kHz WAV of one recording of the alexa card's test set (fetched if needed).
    static func recording(_ name: String) throws -> [Int16] {
        precondition(fetched, "scripts/cloud/fetch-models.sh failed")
        return try AudioFileReader.readAll(path: models + "/alexa/1/test-set/\(name).wav")
    }
}

/// A fresh folder under /tmp.
struct TemporaryFolder {
    let path: String

    init(_ label: String = "cloud") {
        var template = Array("/tmp/earshot-\(label)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(cString: created!)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A live CloudServer on 127.0.0.1, port 0, in a ServiceGroup, with a device token and an admin token.
final class LiveServer: Sendable {
    static let adminToken = "admin-secret-token"
    let server: CloudServer
    let port: Int
    let dataDirectory: String
    let deviceToken: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(
        dataDirectory: String, modelsDirectory: String = Repo.models, device: String = "kitchen-pi",
        understandsCommands: Bool = false, configure: (inout CloudConfiguration) -> Void = { _ in }
    ) async throws {
        precondition(Repo.fetched, "scripts/cloud/fetch-models.sh failed")
        var configuration = CloudConfiguration(
            host: "127.0.0.1", port: 0, dataDirectory: dataDirectory, modelsDirectory: modelsDirectory,
            sharedDataDirectory: Repo.sharedData, adminTokenHash: DeviceTokens.hash(Self.adminToken),
            understandsCommands: understandsCommands)
        configure(&configuration)
        var logger = Logger(label: "test.cloud")
        logger.logLevel = .warning
        server = try CloudServer(configuration: configuration, logger: logger)
        self.dataDirectory = dataDirectory
        deviceToken = try DeviceTokens.create(device: device, store: SQLiteSegmentStore(directory: dataDirectory))
        group = ServiceGroup(services: [server], gracefulShutdownSignals: [], logger: logger)
        let group = self.group
        task = Task { try await group.run() }
        port = await server.boundPort()
    }

    /// Shuts down gracefully and waits until it has stopped.
    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}

/// A real HTTP client (URLSession, which is libcurl underneath on Linux).
struct HTTPAnswer {
    let status: Int
    let headers: [String: String]
    let body: Data

    var text: String { String(decoding: body, as: UTF8.self) }
    var errorCode: String? { (try? WireJSON.decode(ErrorResponse.self, from: body))?.error.code }
    func prediction() throws -> SegmentPrediction { try WireJSON.decode(SegmentPrediction.self, from: body) }
}

enum HTTP {
    static let session: URLSession = {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 60
        return URLSession(configuration: configuration)
    }()

    static func send(
        _ method: String, _ url: String, token: String? = nil, headers: [String: String] = [:], body: Data? = nil
    ) async throws -> HTTPAnswer {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var lowered: [String: String] = [:]
        for (name, value) in http.allHeaderFields { lowered["\(name)".lowercased()] = "\(value)" }
        return HTTPAnswer(status: http.statusCode, headers: lowered, body: data)
    }

    /// `PUT /v1/segments/{key}` as the edge sends it.
    static func upload(
        _ server: LiveServer, key: SegmentKey, wav: Data, token: String? = nil, wakeWord: String = "alexa",
        contentType: String = "audio/wav", extraHeaders: [String: String] = [:]
    ) async throws -> HTTPAnswer {
        let metadata = SegmentMetadata(
            key: key, wakeWord: wakeWord, score: 0.93, model: ModelReference(name: "alexa", version: "1"),
            captureStart: Date(timeIntervalSince1970: 1_795_000_000), captureEnd: Date(timeIntervalSince1970: 1_795_000_002))
        var headers: [String: String] = [:]
        for (name, value) in SegmentUpload(metadata: metadata).metadataHeaders { headers[name] = value }
        headers["Content-Type"] = contentType
        headers.merge(extraHeaders) { _, new in new }
        return try await send(
            "PUT", server.baseURL + SegmentUpload.path(for: key), token: token ?? server.deviceToken, headers: headers, body: wav)
    }
}

/// The value of a Prometheus sample line (`name{labels} value`) whose text starts with `prefix`.
func metricValue(_ exposition: String, _ prefix: String) -> Double? {
    exposition.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
}

func testKey(_ sequence: Int, device: String = "kitchen-pi") -> SegmentKey {
    try! SegmentKey(deviceID: device, boot: 1, sequence: sequence)
}
