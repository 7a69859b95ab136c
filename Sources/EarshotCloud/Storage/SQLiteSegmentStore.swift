import Dispatch
import EarshotWire
import Foundation

/// The embedded ``SegmentStore``: one SQLite file (WAL mode) in the data directory.
///
/// Every statement runs on one serial dispatch queue, never on the Swift concurrency pool
/// (SQLite calls block); callers await the result.
public final class SQLiteSegmentStore: SegmentStore, @unchecked Sendable {
    // Invariant (why @unchecked Sendable is sound): `connection` is used only inside blocks
    // submitted to `queue`, which is serial.
    private let connection: SQLiteConnection
    private let queue = DispatchQueue(label: "earshot.sqlite")

    /// The database file.
    public let path: String

    /// Opens or creates the database at `path` and its tables.
    ///
    /// - Throws: ``CloudError`` with code `storage` naming the file.
    public init(path: String) throws {
        self.path = path
        connection = try SQLiteConnection(path: path)
        try connection.execute(
            """
            CREATE TABLE IF NOT EXISTS segments (
                key TEXT PRIMARY KEY, device TEXT NOT NULL, body_sha256 TEXT NOT NULL,
                prediction BLOB NOT NULL, stored_at REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS tokens (
                hash TEXT PRIMARY KEY, device TEXT NOT NULL, created_at REAL NOT NULL);
            CREATE TABLE IF NOT EXISTS batches (
                id TEXT PRIMARY KEY, record BLOB NOT NULL);
            CREATE TABLE IF NOT EXISTS batch_results (
                batch_id TEXT NOT NULL, key TEXT NOT NULL, line BLOB NOT NULL, PRIMARY KEY (batch_id, key));
            """)
    }

    /// Opens `<directory>/earshot.sqlite`, creating the directory when needed.
    public convenience init(directory: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CloudError(.storage, "\(directory): cannot create the data directory: \(error.localizedDescription)")
        }
        try self.init(path: directory + "/earshot.sqlite")
    }

    @discardableResult
    private func run<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [connection] in continuation.resume(with: Result { try body(connection) }) }
        }
    }

    /// Runs `body` on the store's queue and waits (for command-line tools outside async code).
    func runBlocking<T>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        try queue.sync { try body(connection) }
    }

    public func segment(_ key: SegmentKey) async throws -> StoredSegment? {
        try await run { db in try Self.segment(key, db) }
    }

    private static func segment(_ key: SegmentKey, _ db: SQLiteConnection) throws -> StoredSegment? {
        let rows = try db.query(
            "SELECT body_sha256, prediction, stored_at FROM segments WHERE key = ?", [.text(key.description)])
        guard let row = rows.first, let hash = row[0].text, let json = row[1].bytes, let storedAt = row[2].real else { return nil }
        return StoredSegment(key: key, bodySHA256: hash, predictionJSON: json, storedAt: Date(timeIntervalSince1970: storedAt))
    }

    public func insertIfAbsent(_ segment: StoredSegment) async throws -> StoredSegment {
        try await run { db in
            try db.query(
                "INSERT OR IGNORE INTO segments (key, device, body_sha256, prediction, stored_at) VALUES (?, ?, ?, ?, ?)",
                [
                    .text(segment.key.description), .text(segment.key.deviceID), .text(segment.bodySHA256),
                    .blob(segment.predictionJSON), .real(segment.storedAt.timeIntervalSince1970),
                ])
            if db.changes == 1 { return segment }
            return try Self.segment(segment.key, db) ?? segment
        }
    }

    public func segmentCount() async throws -> Int {
        try await run { db in try db.query("SELECT COUNT(*) FROM segments").first?.first?.integer ?? 0 }
    }

    public func addToken(hash: String, device: String, createdAt: Date) async throws {
        try await run { db in try Self.addToken(hash: hash, device: device, createdAt: createdAt, db) }
    }

    /// Records a token without an async context (for `earshot-cloud token create`).
    public func addTokenBlocking(hash: String, device: String, createdAt: Date) throws {
        try runBlocking { db in try Self.addToken(hash: hash, device: device, createdAt: createdAt, db) }
    }

    private static func addToken(hash: String, device: String, createdAt: Date, _ db: SQLiteConnection) throws {
        try db.query(
            "INSERT INTO tokens (hash, device, created_at) VALUES (?, ?, ?)",
            [.text(hash), .text(device), .real(createdAt.timeIntervalSince1970)])
    }

    public func device(forTokenHash hash: String) async throws -> String? {
        try await run { db in try db.query("SELECT device FROM tokens WHERE hash = ?", [.text(hash)]).first?.first?.text }
    }

    public func saveBatch(_ batch: BatchJobRecord) async throws {
        let record = try WireJSON.encode(batch)
        try await run { db in
            try db.query("INSERT OR REPLACE INTO batches (id, record) VALUES (?, ?)", [.text(batch.id), .blob(Array(record))])
        }
    }

    public func batch(_ id: String) async throws -> BatchJobRecord? {
        let bytes = try await run { db in try db.query("SELECT record FROM batches WHERE id = ?", [.text(id)]).first?.first?.bytes }
        guard let bytes else { return nil }
        return try WireJSON.decode(BatchJobRecord.self, from: Data(bytes))
    }

    public func addBatchResult(batchID: String, key: String, line: [UInt8]) async throws {
        try await run { db in
            try db.query(
                "INSERT OR REPLACE INTO batch_results (batch_id, key, line) VALUES (?, ?, ?)", [.text(batchID), .text(key), .blob(line)])
        }
    }

    public func batchResults(batchID: String, key: String?) async throws -> [(key: String, line: [UInt8])] {
        let rows = try await run { db in
            if let key {
                return try db.query("SELECT key, line FROM batch_results WHERE batch_id = ? AND key = ?", [.text(batchID), .text(key)])
            }
            return try db.query("SELECT key, line FROM batch_results WHERE batch_id = ? ORDER BY key", [.text(batchID)])
        }
        return rows.compactMap { row in
            guard let key = row[0].text, let line = row[1].bytes else { return nil }
            return (key, line)
        }
    }
}
