import EarshotWire
import Foundation

/// Where the service keeps all its state: stored predictions (the idempotency records),
/// device tokens and batch jobs.
///
/// ``SQLiteSegmentStore`` is the embedded default; a PostgreSQL store can implement the same
/// protocol when several instances share the load. Every method is safe to call concurrently.
public protocol SegmentStore: Sendable {
    /// The stored record of `key`, or nil when the key was never stored.
    func segment(_ key: SegmentKey) async throws -> StoredSegment?

    /// Stores `segment` unless its key is already stored; returns the record that is stored
    /// afterwards (the new one, or the one that was there first, so that two concurrent
    /// uploads of one key agree).
    func insertIfAbsent(_ segment: StoredSegment) async throws -> StoredSegment

    /// How many segments are stored.
    func segmentCount() async throws -> Int

    /// Records a device token by the SHA-256 hex of its text.
    func addToken(hash: String, device: String, createdAt: Date) async throws

    /// The device a token hash belongs to, or nil.
    func device(forTokenHash hash: String) async throws -> String?

    /// Creates or replaces a batch job record.
    func saveBatch(_ batch: BatchJobRecord) async throws

    /// A batch job by id.
    func batch(_ id: String) async throws -> BatchJobRecord?

    /// Stores one JSON result line of a batch under its key.
    func addBatchResult(batchID: String, key: String, line: [UInt8]) async throws

    /// The result lines of a batch, by key; all of them when `key` is nil.
    func batchResults(batchID: String, key: String?) async throws -> [(key: String, line: [UInt8])]
}

/// A stored prediction with the fingerprint of the body it was computed from.
public struct StoredSegment: Sendable, Equatable {
    /// The segment's key.
    public var key: SegmentKey
    /// SHA-256 hex of the upload body: a repeated upload with another body is a conflict.
    public var bodySHA256: String
    /// The prediction as its JSON (exactly the bytes answered the first time).
    public var predictionJSON: [UInt8]
    /// When the prediction was stored.
    public var storedAt: Date

    /// Creates a record.
    public init(key: SegmentKey, bodySHA256: String, predictionJSON: [UInt8], storedAt: Date) {
        self.key = key
        self.bodySHA256 = bodySHA256
        self.predictionJSON = predictionJSON
        self.storedAt = storedAt
    }
}

/// A batch job as the database keeps it.
public struct BatchJobRecord: Sendable, Equatable, Codable {
    /// The job's id.
    public var id: String
    /// `queued`, `running`, `done` or `failed`.
    public var status: String
    /// Inputs in the job.
    public var total: Int
    /// Inputs finished (with a prediction or an error).
    public var completed: Int
    /// Inputs that ended in an error.
    public var failed: Int
    /// When the job was created.
    public var createdAt: Date

    /// Creates a record.
    public init(id: String, status: String, total: Int, completed: Int, failed: Int, createdAt: Date) {
        self.id = id
        self.status = status
        self.total = total
        self.completed = completed
        self.failed = failed
        self.createdAt = createdAt
    }
}
