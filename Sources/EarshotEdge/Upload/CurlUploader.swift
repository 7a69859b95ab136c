import CCurl
import EarshotWire
import Logging

#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Uploads segments with libcurl: `PUT /v1/segments/<key>` on one reused easy handle, so that
/// consecutive uploads share one (keep-alive) connection.
///
/// TLS verification is on unless ``UploaderConfiguration/verifyTLS`` turns it off; a CA file
/// and a client certificate and key can be given. The bearer token is read from its file
/// before every attempt. Every call blocks the calling thread; the ``DeliveryLoop`` calls it
/// from a thread of its own, never from the Swift concurrency pool.
public final class CurlUploader: SegmentUploader, @unchecked Sendable {
    // Invariant (why @unchecked Sendable is sound): `handle`, `errorBuffer`, `response` and
    // `lastToken` are used only inside `upload`, which the protocol contract says one thread at a
    // time calls; `cancelled` is a LockedBox and is the only state `cancel()` touches.
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private let response: ResponseCollector
    private let configuration: UploaderConfiguration
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var lastToken: String

    private static let globalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()

    /// Creates the uploader and its libcurl handle, and reads the token once to check it.
    ///
    /// - Parameters:
    ///   - configuration: URL, token file, timeouts and TLS settings.
    ///   - logger: where attempts are logged, each line with the segment's `key`.
    ///   - now: the wall clock, to turn a `Retry-After` date into seconds.
    /// - Throws: ``EdgeError`` with code ``EdgeError/Code/tokenUnreadable`` when the token file
    ///   cannot be read or is empty, ``EdgeError/Code/invalidConfiguration`` for a URL that is not
    ///   http(s) or bad timeouts, ``EdgeError/Code/transport`` when libcurl refuses a setting.
    public init(
        configuration: UploaderConfiguration, logger: Logger = Logger(label: "earshot.uploader"),
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        guard configuration.baseURL.hasPrefix("http://") || configuration.baseURL.hasPrefix("https://") else {
            throw EdgeError(.invalidConfiguration, configuration.baseURL, "the cloud URL must start with http:// or https://")
        }
        guard configuration.connectTimeout > 0, configuration.requestTimeout > 0 else {
            throw EdgeError(.invalidConfiguration, configuration.baseURL, "timeouts must be positive")
        }
        self.configuration = configuration
        self.logger = logger
        self.now = now
        lastToken = try Self.readToken(configuration.tokenFile)
        Self.globalInit
        guard let handle = curl_easy_init() else {
            throw EdgeError(.transport, configuration.baseURL, "curl_easy_init failed")
        }
        self.handle = handle
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        response = ResponseCollector()
        do {
            try configureHandle()
        } catch {
            curl_easy_cleanup(handle)
            errorBuffer.deallocate()
            throw error
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// Sends `segment` once: network failures and HTTP statuses become an ``UploadOutcome``,
    /// never an error.
    public func upload(_ segment: SpooledSegment) -> UploadOutcome {
        var keyLogger = logger
        keyLogger[metadataKey: "key"] = "\(segment.metadata.key)"
        if response.cancelled.withLock({ $0 }) {
            return .retry(status: nil, reason: "upload cancelled", retryAfter: nil)
        }
        guard !segment.wav.isEmpty else {  // an empty POSTFIELDS would make libcurl read stdin
            return .refused(status: 0, reason: "the segment's audio is empty")
        }
        do {
            lastToken = try Self.readToken(configuration.tokenFile)
        } catch {
            keyLogger.error("cannot read the token again; using the previous one", metadata: ["error": "\(error)"])
        }
        let request = SegmentUpload(metadata: segment.metadata)
        let url = configuration.baseURL.trimmingSuffix("/") + request.path
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        for (name, value) in request.headers(token: lastToken) {
            headerList = curl_slist_append(headerList, "\(name): \(value)")
        }
        headerList = curl_slist_append(headerList, "Expect:")  // no 100-continue round trip
        defer {
            _ = earshot_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, nil)
            curl_slist_free_all(headerList)
        }
        response.reset()
        errorBuffer[0] = 0
        let started = Date()
        let code: CURLcode = segment.wav.withUnsafeBytes { body in
            _ = earshot_curl_setopt_string(handle, CURLOPT_URL, url)
            _ = earshot_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)
            _ = earshot_curl_setopt_off(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            _ = earshot_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: body.baseAddress))
            let code = curl_easy_perform(handle)
            _ = earshot_curl_setopt_pointer(handle, CURLOPT_POSTFIELDS, nil)
            return code
        }
        let elapsed = Date().timeIntervalSince(started)
        guard code == CURLE_OK else {
            var reason = String(cString: curl_easy_strerror(code))
            let detail = String(cString: errorBuffer)
            if !detail.isEmpty { reason += ": " + detail }
            keyLogger.debug("upload failed", metadata: ["url": "\(url)", "error": "\(reason)", "seconds": "\(elapsed)"])
            return .retry(status: nil, reason: reason, retryAfter: nil)
        }
        var status = 0
        _ = earshot_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        keyLogger.debug("upload answered", metadata: ["url": "\(url)", "status": "\(status)", "seconds": "\(elapsed)"])
        return UploadOutcome.classify(status: status, headers: response.headers, body: response.body, now: now())
    }

    /// Makes the upload in progress and every later one give up at once.
    public func cancel() {
        response.cancelled.withLock { $0 = true }
    }

    private func configureHandle() throws {
        func check(_ code: CURLcode, _ what: String) throws {
            guard code == CURLE_OK else {
                throw EdgeError(.transport, configuration.baseURL, "cannot set \(what): \(String(cString: curl_easy_strerror(code)))")
            }
        }
        let context = Unmanaged.passUnretained(response).toOpaque()
        try check(earshot_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer)), "error buffer")
        try check(earshot_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        try check(earshot_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "protocols")
        try check(earshot_curl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, SegmentUpload.method), "method")
        try check(earshot_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(configuration.connectTimeout * 1000)), "connect timeout")
        try check(earshot_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(configuration.requestTimeout * 1000)), "request timeout")
        try check(earshot_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "redirects")
        try check(earshot_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, configuration.verifyTLS ? 1 : 0), "TLS peer check")
        try check(earshot_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, configuration.verifyTLS ? 2 : 0), "TLS host check")
        if let caFile = configuration.caFile { try check(earshot_curl_setopt_string(handle, CURLOPT_CAINFO, caFile), "CA file") }
        if let certificate = configuration.clientCertificate {
            try check(earshot_curl_setopt_string(handle, CURLOPT_SSLCERT, certificate), "client certificate")
        }
        if let key = configuration.clientKey { try check(earshot_curl_setopt_string(handle, CURLOPT_SSLKEY, key), "client key") }
        try check(earshot_curl_setopt_long(handle, CURLOPT_TCP_KEEPALIVE, 1), "TCP keep-alive")
        try check(
            earshot_curl_setopt_data_callback(handle, CURLOPT_WRITEFUNCTION) { data, size, count, context in
                let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
                let length = size * count
                if let data, collector.body.count < ResponseCollector.bodyLimit {
                    collector.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: length)
                }
                return length
            }, "write callback")
        try check(earshot_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, context), "write context")
        try check(
            earshot_curl_setopt_data_callback(handle, CURLOPT_HEADERFUNCTION) { data, size, count, context in
                let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
                let length = size * count
                if let data {
                    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: length), as: UTF8.self)
                    collector.addHeaderLine(line)
                }
                return length
            }, "header callback")
        try check(earshot_curl_setopt_pointer(handle, CURLOPT_HEADERDATA, context), "header context")
        try check(
            earshot_curl_setopt_xferinfo_callback(handle, CURLOPT_XFERINFOFUNCTION) { context, _, _, _, _ in
                let collector = Unmanaged<ResponseCollector>.fromOpaque(context!).takeUnretainedValue()
                return collector.cancelled.withLock { $0 } ? 1 : 0
            }, "progress callback")
        try check(earshot_curl_setopt_pointer(handle, CURLOPT_XFERINFODATA, context), "progress context")
        try check(earshot_curl_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "progress")
    }

    private static func readToken(_ path: String) throws -> String {
        let data: Data?
        do {
            data = try DurableFiles.readFile(path, limit: 64 * 1024)
        } catch let error as EdgeError {
            throw EdgeError(.tokenUnreadable, path, error.reason)
        }
        guard let data else { throw EdgeError(.tokenUnreadable, path, "token file does not exist") }
        let token = String(decoding: data, as: UTF8.self).trimmingSpacesAndNewlines()
        guard !token.isEmpty else { throw EdgeError(.tokenUnreadable, path, "token file is empty") }
        guard token.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw EdgeError(.tokenUnreadable, path, "token holds spaces or characters a header cannot carry")
        }
        return token
    }
}

/// The answer of the request in progress, filled by libcurl's callbacks on the uploading thread.
// Invariant (why @unchecked Sendable is sound): `body` and `headers` are touched only on the
// thread inside `CurlUploader.upload` (libcurl calls the callbacks there); `cancelled` is locked.
final class ResponseCollector: @unchecked Sendable {
    static let bodyLimit = 1 << 20
    var body = Data()
    var headers: [String: String] = [:]
    let cancelled = LockedBox(false)

    func reset() {
        body = Data()
        headers = [:]
    }

    func addHeaderLine(_ line: String) {
        if line.hasPrefix("HTTP/") {
            headers = [:]  // a new response (after 100 Continue or a redirect) starts
            return
        }
        guard let colon = line.firstIndex(of: ":") else { return }
        let name = line[..<colon].trimmingSpaces().lowercased()
        let value = line[line.index(after: colon)...].trimmingSpacesAndNewlines()
        headers[name] = value
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
