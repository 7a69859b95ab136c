import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The JSONL output of `earshot-cloud batch`, opened for resuming: keys already written are
/// known, a torn last line (from a killed run) is cut off, and new lines are appended and
/// flushed one by one.
public final class BatchOutputFile {
    /// Keys that already have a line.
    public private(set) var doneKeys: Set<String> = []
    private let descriptor: Int32
    /// The file.
    public let path: String

    /// Opens or creates `path`.
    ///
    /// - Throws: ``CloudError`` `bad_request` when it cannot be opened or written.
    public init(path: String) throws {
        self.path = path
        if let data = FileManager.default.contents(atPath: path), !data.isEmpty {
            var keep = data.count
            if data.last != UInt8(ascii: "\n") {
                keep = (data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 }) ?? 0
            }
            for line in data.prefix(keep).split(separator: UInt8(ascii: "\n")) {
                if let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any], let key = object["key"] as? String {
                    doneKeys.insert(key)
                }
            }
            if keep != data.count { truncate(path, off_t(keep)) }
        }
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CloudError(.badRequest, "\(path): cannot open for writing: \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(descriptor) }

    /// Appends one line (a newline is added).
    public func append(_ line: [UInt8]) throws {
        let bytes = line + [UInt8(ascii: "\n")]
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CloudError(.badRequest, "\(path): write failed: \(String(cString: strerror(errno)))") }
    }
}

/// A one-line progress bar on a terminal (stderr), nothing when stderr is not one.
public final class ProgressBar {
    private let total: Int
    private var done = 0
    private let start = Date()
    private var lastDraw = Date.distantPast
    /// Whether the bar draws (stderr is a terminal).
    public let enabled: Bool

    /// Creates a bar for `total` items.
    public init(total: Int, enabled: Bool = isatty(2) == 1) {
        self.total = total
        self.enabled = enabled
    }

    /// One more item finished.
    public func advance() {
        done += 1
        guard enabled else { return }
        let now = Date()
        if done == total || now.timeIntervalSince(lastDraw) > 0.1 {
            lastDraw = now
            draw(now)
        }
    }

    /// Ends the bar's line.
    public func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    private func draw(_ now: Date) {
        let width = 30
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        let filled = Int(fraction * Double(width))
        let elapsed = max(now.timeIntervalSince(start), 1e-6)
        let rate = Double(done) / elapsed
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let line = String(format: "\r[%@] %d/%d %3.0f%% %.1f files/s ETA %.0fs ", bar, done, total, fraction * 100, rate, eta)
        FileHandle.standardError.write(Data(line.utf8))
    }
}
