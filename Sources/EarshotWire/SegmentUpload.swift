#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The upload request of one segment: `PUT /v1/segments/{key}` with the segment's WAV as body.
///
/// Headers (names are case-insensitive on the wire, as HTTP says):
///
/// | header | value |
/// |---|---|
/// | `Authorization` | `Bearer <device token>` |
/// | `Idempotency-Key` | the key, the same as in the path |
/// | `Content-Type` | `audio/wav` (16 kHz mono 16-bit PCM, see ``SegmentWAV``) |
/// | `X-Earshot-Contract` | the contract version, `1` |
/// | `X-Earshot-Device` | the device id (the key's first part) |
/// | `X-Earshot-Wake-Word` | the label that triggered the segment |
/// | `X-Earshot-Score` | the detector's score, a decimal in 0…1 |
/// | `X-Earshot-Model-Name` | the edge model's name |
/// | `X-Earshot-Model-Version` | the edge model's version |
/// | `X-Earshot-Capture-Start` | first sample's capture time, RFC 3339 UTC with ms (``WireTimestamp``) |
/// | `X-Earshot-Capture-End` | last sample's capture time, same format |
/// | `X-Earshot-Sample-Rate` | `16000` |
///
/// The cloud answers 200 (or 201) with a ``SegmentPrediction``; a repeated upload of the same
/// key and body answers the stored prediction. Errors carry an ``ErrorResponse`` body: 400 for
/// a body or header that breaks this contract, 401/403 for tokens, 409 for the same key with a
/// different body, 413 for a body too large, 429 or 503 with `Retry-After` when the cloud is
/// busy. The edge retries 429, 503, other 5xx and network failures, and keeps any other 4xx
/// as a dead letter.
public struct SegmentUpload: Sendable {
    /// The HTTP method.
    public static let method = "PUT"
    /// The value of `Content-Type`.
    public static let contentType = "audio/wav"
    /// The value of `X-Earshot-Contract` this version of the code sends.
    public static let contractVersion = "1"

    /// Header names of the contract.
    public enum HeaderName {
        /// `Authorization: Bearer <device token>`.
        public static let authorization = "Authorization"
        /// `Idempotency-Key`: the segment's key, the same as in the path.
        public static let idempotencyKey = "Idempotency-Key"
        /// `Content-Type: audio/wav`.
        public static let contentType = "Content-Type"
        /// `X-Earshot-Contract`: the contract version (``SegmentUpload/contractVersion``).
        public static let contract = "X-Earshot-Contract"
        /// `X-Earshot-Device`: the device id, the key's first part.
        public static let device = "X-Earshot-Device"
        /// `X-Earshot-Wake-Word`: the label that triggered the segment.
        public static let wakeWord = "X-Earshot-Wake-Word"
        /// `X-Earshot-Score`: the detector's score, a decimal in 0…1.
        public static let score = "X-Earshot-Score"
        /// `X-Earshot-Model-Name`: the edge model's name.
        public static let modelName = "X-Earshot-Model-Name"
        /// `X-Earshot-Model-Version`: the edge model's version.
        public static let modelVersion = "X-Earshot-Model-Version"
        /// `X-Earshot-Capture-Start`: the first sample's capture time (``WireTimestamp``).
        public static let captureStart = "X-Earshot-Capture-Start"
        /// `X-Earshot-Capture-End`: the last sample's capture time (``WireTimestamp``).
        public static let captureEnd = "X-Earshot-Capture-End"
        /// `X-Earshot-Sample-Rate`: samples per second, `16000`.
        public static let sampleRate = "X-Earshot-Sample-Rate"
    }

    /// The segment's metadata.
    public var metadata: SegmentMetadata

    /// Creates the request for `metadata`.
    public init(metadata: SegmentMetadata) { self.metadata = metadata }

    /// The request path for `key`: `/v1/segments/<key>` (keys never need escaping).
    public static func path(for key: SegmentKey) -> String { "/v1/segments/\(key)" }

    /// The request path: `/v1/segments/<key>`.
    public var path: String { Self.path(for: metadata.key) }

    /// Every header of the request, in a fixed order, `Authorization` first.
    ///
    /// - Parameter token: the device's bearer token (without `Bearer `).
    public func headers(token: String) -> [(name: String, value: String)] {
        [(HeaderName.authorization, "Bearer \(token)")] + metadataHeaders
    }

    /// The headers other than `Authorization` (safe to log).
    public var metadataHeaders: [(name: String, value: String)] {
        [
            (HeaderName.idempotencyKey, metadata.key.description),
            (HeaderName.contentType, Self.contentType),
            (HeaderName.contract, Self.contractVersion),
            (HeaderName.device, metadata.key.deviceID),
            (HeaderName.wakeWord, metadata.wakeWord),
            (HeaderName.score, String(metadata.score)),
            (HeaderName.modelName, metadata.model.name),
            (HeaderName.modelVersion, metadata.model.version),
            (HeaderName.captureStart, WireTimestamp.format(metadata.captureStart)),
            (HeaderName.captureEnd, WireTimestamp.format(metadata.captureEnd)),
            (HeaderName.sampleRate, String(metadata.sampleRate)),
        ]
    }

    /// Reads the metadata of an upload back from its path key and headers (the cloud's side).
    ///
    /// - Parameters:
    ///   - pathKey: the `{key}` part of the path.
    ///   - header: looks a header up by name, case-insensitively; nil when absent.
    /// - Throws: ``WireError`` naming the header or the key that breaks the contract, including
    ///   an `Idempotency-Key` or `X-Earshot-Device` that disagrees with the path.
    public static func metadata(pathKey: String, header: (String) -> String?) throws -> SegmentMetadata {
        let key = try SegmentKey(parsing: pathKey)
        func required(_ name: String) throws -> String {
            guard let value = header(name)?.trimmingSpaces(), !value.isEmpty else {
                throw WireError(.missingHeader, name, "is required")
            }
            return value
        }
        if let idempotencyKey = header(HeaderName.idempotencyKey), idempotencyKey != key.description {
            throw WireError(
                .invalidHeader, HeaderName.idempotencyKey,
                "'\(SegmentKey.printable(idempotencyKey))' differs from the key in the path '\(key)'")
        }
        if let device = header(HeaderName.device), device != key.deviceID {
            throw WireError(
                .invalidHeader, HeaderName.device, "'\(SegmentKey.printable(device))' differs from the key's device '\(key.deviceID)'")
        }
        let scoreText = try required(HeaderName.score)
        guard let score = Double(scoreText) else {
            throw WireError(.invalidHeader, HeaderName.score, "'\(SegmentKey.printable(scoreText))' is not a number")
        }
        func timestamp(_ name: String) throws -> Date {
            let text = try required(name)
            guard let date = WireTimestamp.parse(text) else {
                throw WireError(.invalidHeader, name, "'\(SegmentKey.printable(text))' is not an RFC 3339 timestamp")
            }
            return date
        }
        let rateText = header(HeaderName.sampleRate) ?? String(SegmentWAV.sampleRate)
        guard let sampleRate = Int(rateText) else {
            throw WireError(.invalidHeader, HeaderName.sampleRate, "'\(SegmentKey.printable(rateText))' is not an integer")
        }
        let metadata = SegmentMetadata(
            key: key, wakeWord: try required(HeaderName.wakeWord), score: score,
            model: ModelReference(name: try required(HeaderName.modelName), version: try required(HeaderName.modelVersion)),
            captureStart: try timestamp(HeaderName.captureStart), captureEnd: try timestamp(HeaderName.captureEnd),
            sampleRate: sampleRate)
        try metadata.validate()
        return metadata
    }
}
