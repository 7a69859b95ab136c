import EarshotEdge
import EarshotWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// TLS through real libcurl against a real TLS server — `socat` terminating TLS on 127.0.0.1 in
/// front of the loopback test server — with certificates made by the `openssl` command:
/// verification is on by default, a CA file makes a private certificate trusted, and a client
/// certificate passes a server that requires one. `scripts/setup.sh` installs both tools.
@Suite struct TLSTests {
    @Test func verificationIsOnByDefaultAndACAFileTrustsThePrivateServer() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let server = try fixture.startServer(requireClientCertificate: false)
        defer { server.terminate() }
        let segment = try fixture.segment()

        let untrusting = try CurlUploader(configuration: UploaderConfiguration(baseURL: server.url, tokenFile: fixture.token))
        guard case .retry(nil, let reason, nil) = untrusting.upload(segment) else {
            Issue.record("an unverified certificate was accepted")
            return
        }
        #expect(reason.lowercased().contains("certificate") || reason.contains("SSL"), "\(reason)")

        let trusting = try CurlUploader(
            configuration: UploaderConfiguration(baseURL: server.url, tokenFile: fixture.token, caFile: fixture.serverCertificate))
        guard case .delivered(200, let prediction) = trusting.upload(segment) else {
            Issue.record("the CA file did not make the server trusted")
            return
        }
        #expect(prediction?.key == segment.metadata.key)
    }

    @Test func aClientCertificatePassesAServerThatRequiresOne() throws {
        let fixture = try TLSFixture()
        defer { fixture.remove() }
        let server = try fixture.startServer(requireClientCertificate: true)
        defer { server.terminate() }
        let segment = try fixture.segment()

        let anonymous = try CurlUploader(
            configuration: UploaderConfiguration(baseURL: server.url, tokenFile: fixture.token, caFile: fixture.serverCertificate))
        guard case .retry = anonymous.upload(segment) else {
            Issue.record("a server requiring client certificates accepted none")
            return
        }
        let identified = try CurlUploader(
            configuration: UploaderConfiguration(
                baseURL: server.url, tokenFile: fixture.token, caFile: fixture.serverCertificate,
                clientCertificate: fixture.clientCertificate, clientKey: fixture.clientKey))
        guard case .delivered(200, _) = identified.upload(segment) else {
            Issue.record("the client certificate was not accepted")
            return
        }
    }
}

/// Certificates, a token, a spool and a TLS server for ``TLSTests``.
struct TLSFixture {
    let folder = TemporaryFolder("tls")
    var serverCertificate: String { folder.file("server.pem") }
    var serverKey: String { folder.file("server.key") }
    var clientCertificate: String { folder.file("client.pem") }
    var clientKey: String { folder.file("client.key") }
    let token: String

    init() throws {
        token = folder.write("tls-token", to: "token")
        for (name, subject) in [("server", "/CN=127.0.0.1"), ("client", "/CN=kitchen-pi")] {
            try Self.runTool(
                "/usr/bin/openssl",
                [
                    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", subject, "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", folder.file("\(name).key"),
                    "-out", folder.file("\(name).pem"),
                ])
        }
    }

    func remove() { folder.remove() }

    func segment() throws -> SpooledSegment {
        let spool = try Spool(configuration: SpoolConfiguration(directory: folder.file("spool")), deviceID: "kitchen-pi")
        try SegmentFactory.enqueue(spool)
        return try #require(spool.nextSegment())
    }

    /// `socat` terminating TLS in front of a plain ``TestHTTPServer``.
    final class Server {
        let process: Process
        let backend: TestHTTPServer
        let url: String
        init(process: Process, backend: TestHTTPServer, port: UInt16) {
            self.process = process
            self.backend = backend
            url = "https://127.0.0.1:\(port)"
        }
        /// SIGKILL: a child may inherit a signal mask that blocks SIGTERM.
        func terminate() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            backend.stop()
        }
    }

    func startServer(requireClientCertificate: Bool) throws -> Server {
        let backend = try TestHTTPServer()
        let port = try Self.freePort()
        var listen = "OPENSSL-LISTEN:\(port),bind=127.0.0.1,reuseaddr,fork,cert=\(serverCertificate),key=\(serverKey)"
        listen += requireClientCertificate ? ",verify=1,cafile=\(clientCertificate)" : ",verify=0"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/socat")
        process.arguments = [listen, "TCP:127.0.0.1:\(backend.port)"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = Server(process: process, backend: backend, port: port)
        guard eventually(timeout: 5, { Self.accepts(port) }) else {
            server.terminate()
            throw TestHTTPServer.ServerError("socat did not start listening on port \(port)")
        }
        return server
    }

    /// A port the kernel has just handed out and released.
    private static func freePort() throws -> UInt16 {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketFD, $0, length) == 0 && getsockname(socketFD, $0, &length) == 0
            }
        }
        guard bound else { throw TestHTTPServer.ServerError("no free port") }
        return UInt16(bigEndian: address.sin_port)
    }

    /// True when something accepts connections on `port`.
    private static func accepts(_ port: UInt16) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    private static func runTool(_ path: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestHTTPServer.ServerError("\(path) \(arguments.joined(separator: " ")) failed")
        }
    }
}
