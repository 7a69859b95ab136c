/// The JSON body of every error answer of the cloud: `{"error": {"code": "...", "message": "..."}}`.
///
/// `code` is a stable machine-readable word; `message` says what and where for a person. Codes
/// the contract uses: `bad_request`, `invalid_audio`, `invalid_key`, `unauthorized` (401),
/// `forbidden` (403), `not_found`, `conflict` (409, same key with a different body),
/// `payload_too_large` (413), `rate_limited` (429), `overloaded` (503), `internal` (500).
/// New codes may appear; clients act on the HTTP status and show the message.
public struct ErrorResponse: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The error's code and message.
    public struct Detail: Hashable, Sendable, Codable {
        /// A stable word such as `conflict`.
        public var code: String
        /// What went wrong and where, for a person.
        public var message: String

        /// Creates a detail.
        public init(code: String, message: String) {
            self.code = code
            self.message = message
        }
    }

    /// The error.
    public var error: Detail

    /// Creates an error body.
    public init(code: String, message: String) {
        self.error = Detail(code: code, message: message)
    }

    /// `<code>: <message>`.
    public var description: String { "\(error.code): \(error.message)" }
}
