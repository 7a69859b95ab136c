import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 server on 127.0.0.1 for tests: POSIX sockets, a thread per connection,
/// keep-alive, and a scriptable answer per request (respond, close the connection, or wait first).
///
/// It records every request it reads in full and how many connections it accepted, so that
/// tests can check exactly-once delivery and connection reuse.
final class TestHTTPServer: @unchecked Sendable {
    // Invariant (why @unchecked Sendable is sound): every mutable field lives in `state`, which is
    // read and written only while `lock` is held; `listener` and `port` are set once in init.

    struct Request: Sendable {
        var method: String
        var path: String
        /// Header names in lower case.
        var headers: [String: String]
        var body: Data
        var connection: Int
        var receivedAt: Date
    }

    indirect enum Action: Sendable {
        case respond(status: Int, headers: [String: String], body: Data)
        /// Close the connection without answering.
        case close
        /// Wait, then act.
        case delay(Double, then: Action)

        static func json(_ status: Int, _ text: String, headers: [String: String] = [:]) -> Action {
            var all = headers
            all["Content-Type"] = "application/json"
            return .respond(status: status, headers: all, body: Data(text.utf8))
        }
    }

    typealias Handler = @Sendable (Request) -> Action

    let port: UInt16
    private let listener: Int32
    private let lock = NSLock()
    private var state: State
    private let threads = DispatchGroup()

    private struct State {
        var handler: Handler
        var requests: [Request] = []
        var connections = 0
        var openSockets: Set<Int32> = []
        var stopped = false
    }

    /// Starts listening on 127.0.0.1:`port` (0: the kernel picks one).
    init(port: UInt16 = 0, handler: @escaping Handler = TestHTTPServer.okPrediction) throws {
        state = State(handler: handler)
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var yes: Int32 = 1
        setsockopt(socketFD, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketFD, 16) == 0 else {
            let message = String(cString: strerror(errno))
            close(socketFD)
            throw ServerError("bind/listen on port \(port): \(message)")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) }
        }
        listener = socketFD
        self.port = UInt16(bigEndian: address.sin_port)
        threads.enter()
        Thread { [self] in
            acceptLoop()
            threads.leave()
        }.start()
    }

    deinit { stop() }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    var requests: [Request] { withState { $0.requests } }
    var connectionCount: Int { withState { $0.connections } }

    func setHandler(_ handler: @escaping Handler) { withState { $0.handler = handler } }

    /// Closes the listener and every connection, and waits for the threads to end.
    func stop() {
        let sockets: Set<Int32>? = withState { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.openSockets
        }
        guard let sockets else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        for socketFD in sockets { shutdown(socketFD, Int32(SHUT_RDWR)) }
        threads.wait()
        close(listener)
    }

    /// Answers 200 with a prediction for the request's key.
    static let okPrediction: Handler = { request in
        let key = request.path.split(separator: "/").last.map(String.init) ?? "?"
        return .json(
            200,
            #"{"key":"\#(key)","verified":true,"score":0.91,"models":[{"name":"verifier","version":"1"}],"#
                + #""timings":{"inference_ms":1.5,"total_ms":2.0}}"#)
    }

    private func withState<T>(_ body: (inout State) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&state)
    }

    private func acceptLoop() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                return
            }
            let (accepted, number) = withState { state -> (Bool, Int) in
                guard !state.stopped else { return (false, 0) }
                state.connections += 1
                state.openSockets.insert(client)
                return (true, state.connections)
            }
            guard accepted else {
                close(client)
                return
            }
            threads.enter()
            Thread { [self] in
                serve(client, connection: number)
                withState { _ = $0.openSockets.remove(client) }
                close(client)
                threads.leave()
            }.start()
        }
    }

    private func serve(_ client: Int32, connection: Int) {
        var buffer = [UInt8]()
        while let request = readRequest(client, connection: connection, buffer: &buffer) {
            let handler = withState { state -> Handler in
                state.requests.append(request)
                return state.handler
            }
            var action = handler(request)
            while case .delay(let seconds, let next) = action {
                Thread.sleep(forTimeInterval: seconds)
                action = next
            }
            guard case .respond(let status, let headers, let body) = action else { return }
            var head = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\nContent-Length: \(body.count)\r\n"
            for (name, value) in headers { head += "\(name): \(value)\r\n" }
            head += "\r\n"
            guard sendAll(client, Data(head.utf8) + body) else { return }
            if request.headers["connection"]?.lowercased() == "close" { return }
        }
    }

    private func readRequest(_ client: Int32, connection: Int, buffer: inout [UInt8]) -> Request? {
        let terminator: [UInt8] = [13, 10, 13, 10]
        var headerEnd: Int?
        while true {
            if buffer.count >= 4 {
                for index in 0...(buffer.count - 4) where buffer[index..<(index + 4)].elementsEqual(terminator) {
                    headerEnd = index
                    break
                }
            }
            if headerEnd != nil { break }
            guard receive(client, into: &buffer) else { return nil }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd! + 4)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" {
            guard sendAll(client, Data("HTTP/1.1 100 Continue\r\n\r\n".utf8)) else { return nil }
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length {
            guard receive(client, into: &buffer) else { return nil }
        }
        let body = Data(buffer[0..<length])
        buffer.removeFirst(length)
        return Request(
            method: String(requestLine[0]), path: String(requestLine[1]), headers: headers, body: body, connection: connection,
            receivedAt: Date())
    }

    private func receive(_ client: Int32, into buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    private func sendAll(_ client: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let sent = send(client, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    private static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 400: "Bad Request"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 503: "Service Unavailable"
        default: "Status"
        }
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
