import EarshotEdge
import EarshotWire
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// TLS through real libcurl against a real TLS server (Python's `ssl` on 127.0.0.1, port 0) with
/// certificates made by the `openssl` command: verification is on by default, a CA file makes
/// a private certificate trusted, and a client certificate passes a server that requires one.
@Suite(.enabled(if: TLSFixture.toolsAvailable, "needs the openssl command and python3"))
struct TLSTests {
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

/// Certificates, a token, a spool and a Python TLS server for ``TLSTests``.
struct TLSFixture {
    static let toolsAvailable = FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") && findPython() != nil

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

    final class Server {
        let process: Process
        let url: String
        init(process: Process, port: Int) {
            self.process = process
            url = "https://127.0.0.1:\(port)"
        }
        /// SIGKILL: a child may inherit a signal mask that blocks SIGTERM.
        func terminate() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    func startServer(requireClientCertificate: Bool) throws -> Server {
        let script = folder.write(Self.serverScript, to: "server.py")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.findPython()!)
        process.arguments = [script, serverCertificate, serverKey] + (requireClientCertificate ? [clientCertificate] : [])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) else {
            kill(process.processIdentifier, SIGKILL)
            throw TestHTTPServer.ServerError("the TLS server did not print its port")
        }
        return Server(process: process, port: port)
    }

    static func findPython() -> String? {
        for candidate in ["/usr/bin/python3", "/usr/local/bin/python3", "/root/.pyenv/shims/python3"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return nil
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

    private static let serverScript = #"""
        import http.server, json, ssl, sys

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_PUT(self):
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                key = self.path.rsplit("/", 1)[-1]
                body = json.dumps({"key": key, "verified": True, "score": 0.9, "models": [],
                                   "timings": {"inference_ms": 1, "total_ms": 1}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        if len(sys.argv) > 3:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(sys.argv[3])
        server.socket = context.wrap_socket(server.socket, server_side=True)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#
}
