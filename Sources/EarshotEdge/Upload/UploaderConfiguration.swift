/// Where and how the uploader sends segments.
public struct UploaderConfiguration: Sendable {
    /// The cloud's base URL, e.g. `https://cloud.example.com`; the path `/v1/segments/<key>` is
    /// appended.
    public var baseURL: String
    /// A file holding the device's bearer token (surrounding whitespace is ignored). It is read
    /// again before every attempt, so a rotated token takes effect without a restart.
    public var tokenFile: String
    /// Seconds allowed to open the connection (TCP and TLS). Default 5.
    public var connectTimeout: Double
    /// Seconds allowed for a whole request, upload and answer. Default 30.
    public var requestTimeout: Double
    /// Whether to check the server's certificate and host name. On by default; turn it off only
    /// for a test server.
    public var verifyTLS: Bool
    /// A PEM file of CA certificates to trust instead of the system's.
    public var caFile: String?
    /// A PEM client certificate for mutual TLS.
    public var clientCertificate: String?
    /// The PEM private key of ``clientCertificate``.
    public var clientKey: String?

    /// Creates a configuration.
    public init(
        baseURL: String, tokenFile: String, connectTimeout: Double = 5, requestTimeout: Double = 30, verifyTLS: Bool = true,
        caFile: String? = nil, clientCertificate: String? = nil, clientKey: String? = nil
    ) {
        self.baseURL = baseURL
        self.tokenFile = tokenFile
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.verifyTLS = verifyTLS
        self.caFile = caFile
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }
}
