#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (plain output when piped or logged).
public final class ProgressBar {
    private let total: Int
    private let label: String
    private let enabled: Bool
    private var done = 0
    private var lastDraw = Date.distantPast
    private let start = Date()

    /// Creates a bar for `total` items.
    public init(total: Int, label: String) {
        self.total = max(total, 1)
        self.label = label
        enabled = isatty(2) != 0
    }

    /// Marks `count` more items done and redraws at most ten times a second.
    public func advance(by count: Int = 1, note: String = "") {
        done += count
        guard enabled, Date().timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = Date()
        let fraction = min(1, Double(done) / Double(total))
        let filled = Int(fraction * 30)
        let elapsed = Date().timeIntervalSince(start)
        let remaining = fraction > 0 ? elapsed * (1 - fraction) / fraction : 0
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: 30 - filled)
        let percent = PrintfFormat.string("%3ld%%", Int(fraction * 100))
        let eta = PrintfFormat.string("%.0f", remaining)
        let line = "\r\(label) \(bar) \(percent) \(done)/\(total)  eta \(eta)s  \(note.suffix(40))"
        write(line + "\u{1B}[K")
    }

    private func write(_ text: String) {
        var bytes = Array(text.utf8)
        _ = bytes.withUnsafeMutableBytes { Glibc.write(2, $0.baseAddress, $0.count) }
    }

    /// Clears the bar's line.
    public func finish() {
        if enabled { write("\r\u{1B}[K") }
    }
}
