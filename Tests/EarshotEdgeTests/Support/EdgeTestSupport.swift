import EarshotEdge
import EarshotWire
import Foundation
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh folder under /tmp, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init(_ label: String = "edge") {
        var template = Array("/tmp/earshot-\(label)-XXXXXX".utf8CString)
        let created = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(created != nil, "mkdtemp failed")
        path = String(cString: created!)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func write(_ text: String, to name: String) -> String {
        let target = file(name)
        _ = FileManager.default.createFile(atPath: target, contents: Data(text.utf8))
        return target
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// Makes segments with distinct, recognizable audio.
enum SegmentFactory {
    static let start = Date(timeIntervalSince1970: 1_795_000_000.25)

    static func metadata(_ key: SegmentKey, seconds: Double = 0.5) -> SegmentMetadata {
        SegmentMetadata(
            key: key, wakeWord: "computer", score: 0.875, model: ModelReference(name: "computer", version: "3"),
            captureStart: start, captureEnd: start.addingTimeInterval(seconds))
    }

    static func wav(_ key: SegmentKey, samples: Int = 1600) -> Data {
        let seed = Int16(truncatingIfNeeded: key.sequence &* 37 &+ key.boot)
        return SegmentWAV.encode(samples: (0..<samples).map { Int16(truncatingIfNeeded: $0) &+ seed })
    }

    /// Makes a key from the spool and enqueues a segment under it.
    @discardableResult
    static func enqueue(_ spool: Spool, samples: Int = 1600) throws -> (SegmentKey, Data) {
        let key = spool.makeKey()
        let wav = wav(key, samples: samples)
        try spool.enqueue(metadata(key), wav: wav)
        return (key, wav)
    }
}

/// Log records kept in memory, to check what was logged.
final class LogCapture: @unchecked Sendable {
    // Invariant: `records` is touched only while `lock` is held.
    struct Record: Sendable {
        var level: Logger.Level
        var message: String
        var metadata: [String: String]
    }

    private let lock = NSLock()
    private var stored: [Record] = []

    var records: [Record] {
        lock.lock()
        defer { lock.unlock() }
        return stored
    }

    func logger(_ label: String = "test") -> Logger {
        var logger = Logger(label: label) { _ in Handler(capture: self) }
        logger.logLevel = .debug
        return logger
    }

    fileprivate func append(_ record: Record) {
        lock.lock()
        stored.append(record)
        lock.unlock()
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .debug

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            var all = metadata
            if let extra = event.metadata { all.merge(extra) { $1 } }
            capture.append(Record(level: event.level, message: "\(event.message)", metadata: all.mapValues { "\($0)" }))
        }
    }
}

/// A delivery clock that records the waits asked for and waits only a moment.
final class RecordingClock: DeliveryClock, @unchecked Sendable {
    // Invariant: `recorded` is touched only while `lock` is held.
    private let lock = NSLock()
    private var recorded: [Double] = []

    var sleeps: [Double] {
        lock.lock()
        defer { lock.unlock() }
        return recorded
    }

    func sleep(seconds: Double, signal: DeliverySignal) {
        lock.lock()
        recorded.append(seconds)
        lock.unlock()
        signal.sleep(seconds: 0.01)
    }
}

/// Polls `condition` every 10 ms for up to `timeout` seconds.
func eventually(timeout: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}
