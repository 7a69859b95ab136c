import CSQLite
import Foundation

/// One SQLite connection with the few calls the stores need: execute, prepare, bind, step.
///
/// Not thread-safe by itself: ``SQLiteSegmentStore`` uses it only from its serial queue.
// Invariant (why @unchecked Sendable is sound): the owner calls it from one serial queue only.
final class SQLiteConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    let path: String

    /// Opens (creating if needed) the database at `path`, in WAL mode with `synchronous=NORMAL`:
    /// a committed transaction survives the process being killed.
    init(path: String) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot allocate a connection"
            sqlite3_close(db)
            throw CloudError(.storage, "\(path): cannot open the database: \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 5000)
        try execute("PRAGMA journal_mode=WAL")
        try execute("PRAGMA synchronous=NORMAL")
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    /// Runs one or more statements that return no rows.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw CloudError(.storage, "\(path): \(message) (in: \(sql.prefix(60)))")
        }
    }

    /// Prepares `sql`, binds `values` (String, Int, Double, [UInt8], Data or nil) and returns
    /// every row, each as an array of column values.
    @discardableResult
    func query(_ sql: String, _ values: [SQLiteValue] = []) throws -> [[SQLiteValue]] {
        // Prepared statements are kept and reused (the queries are a handful of fixed strings).
        let statement: OpaquePointer
        if let cached = statements[sql] {
            statement = cached
        } else {
            var prepared: OpaquePointer?
            guard sqlite3_prepare_v2(handle, sql, -1, &prepared, nil) == SQLITE_OK, let prepared else {
                throw CloudError(.storage, "\(path): cannot prepare '\(sql.prefix(60))': \(lastMessage)")
            }
            statements[sql] = prepared
            statement = prepared
        }
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            switch value {
            case .null: sqlite3_bind_null(statement, index)
            case .integer(let number): sqlite3_bind_int64(statement, index, Int64(number))
            case .real(let number): sqlite3_bind_double(statement, index, number)
            case .text(let text):
                let bytes = Array(text.utf8)
                bytes.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) {
                        _ = earshot_sqlite3_bind_text_transient(statement, index, $0.baseAddress, Int32($0.count))
                    }
                }
            case .blob(let bytes):
                bytes.withUnsafeBytes { _ = earshot_sqlite3_bind_blob_transient(statement, index, $0.baseAddress, Int32($0.count)) }
            }
        }
        var rows: [[SQLiteValue]] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw CloudError(.storage, "\(path): '\(sql.prefix(60))' failed: \(lastMessage)")
            }
            let columns = sqlite3_column_count(statement)
            rows.append(
                (0..<columns).map { column in
                    switch sqlite3_column_type(statement, column) {
                    case SQLITE_INTEGER: return .integer(Int(sqlite3_column_int64(statement, column)))
                    case SQLITE_FLOAT: return .real(sqlite3_column_double(statement, column))
                    case SQLITE_TEXT: return .text(String(cString: sqlite3_column_text(statement, column)))
                    case SQLITE_BLOB:
                        let count = Int(sqlite3_column_bytes(statement, column))
                        guard count > 0, let bytes = sqlite3_column_blob(statement, column) else { return .blob([]) }
                        return .blob(Array(UnsafeRawBufferPointer(start: bytes, count: count)))
                    default: return .null
                    }
                })
        }
        return rows
    }

    /// Rows changed by the last insert, update or delete.
    var changes: Int { Int(sqlite3_changes(handle)) }

    private var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }
}

/// A value bound to or read from a SQLite statement.
enum SQLiteValue: Sendable, Equatable {
    case null
    case integer(Int)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }
    var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }
    var real: Double? {
        switch self {
        case .real(let value): value
        case .integer(let value): Double(value)
        default: nil
        }
    }
    var bytes: [UInt8]? {
        switch self {
        case .blob(let value): value
        case .text(let value): Array(value.utf8)
        default: nil
        }
    }
}
