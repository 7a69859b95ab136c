import EarshotWire

/// An error of the cloud service: a ``Code`` that maps to an HTTP status, and a message that
/// says what went wrong and where.
///
/// Every HTTP-facing failure becomes one of these, so that clients always get an
/// ``EarshotWire/ErrorResponse`` body (`{"error": {"code", "message"}}`) with a fitting status.
public struct CloudError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure; new kinds can be added without breaking callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case badRequest = "bad_request"
            case invalidAudio = "invalid_audio"
            case invalidKey = "invalid_key"
            case unauthorized
            case forbidden
            case notFound = "not_found"
            case conflict
            case payloadTooLarge = "payload_too_large"
            case overloaded
            case unavailable
            case modelRefused = "model_refused"
            case storage
            case internalError = "internal"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// 400: a header, a parameter or a JSON body that cannot be used.
        public static let badRequest = Code(.badRequest)
        /// 400: a body that is not 16 kHz mono 16-bit PCM WAV, or audio out of the length bounds.
        public static let invalidAudio = Code(.invalidAudio)
        /// 400: a segment key that breaks the key grammar.
        public static let invalidKey = Code(.invalidKey)
        /// 401: no bearer token, or one the service does not know.
        public static let unauthorized = Code(.unauthorized)
        /// 403: a known token that may not do this (another device's key, an admin route).
        public static let forbidden = Code(.forbidden)
        /// 404: no such key, model, version, batch or route.
        public static let notFound = Code(.notFound)
        /// 409: the same key with a different body, or an admin action that contradicts the state.
        public static let conflict = Code(.conflict)
        /// 413: a body larger than the configured limit.
        public static let payloadTooLarge = Code(.payloadTooLarge)
        /// 503 with `Retry-After`: the inference queue is full.
        public static let overloaded = Code(.overloaded)
        /// 503: no model is ready to serve.
        public static let unavailable = Code(.unavailable)
        /// 422: a model version failed its card's checks and was not loaded.
        public static let modelRefused = Code(.modelRefused)
        /// 500: the database failed.
        public static let storage = Code(.storage)
        /// 500: anything else.
        public static let internalError = Code(.internalError)

        /// The code as the JSON body spells it (`conflict`, `payload_too_large` …).
        public var description: String { base.rawValue }

        /// The HTTP status this code answers with.
        public var status: Int {
            switch base {
            case .badRequest, .invalidAudio, .invalidKey: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .conflict: 409
            case .payloadTooLarge: 413
            case .modelRefused: 422
            case .overloaded, .unavailable: 503
            case .storage, .internalError: 500
            }
        }
    }

    /// The kind of failure.
    public let code: Code
    /// What went wrong and where, for a person.
    public let message: String
    /// Seconds a client should wait before trying again (sent as `Retry-After`), for 503s.
    public let retryAfter: Int?

    /// Creates an error.
    public init(_ code: Code, _ message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The JSON body of the error.
    public var response: ErrorResponse { ErrorResponse(code: code.description, message: message) }

    /// `<code>: <message>`.
    public var description: String { "\(code): \(message)" }
}
