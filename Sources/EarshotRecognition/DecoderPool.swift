import Foundation

/// A fixed set of decoders, created once and lent to one caller at a time.
///
/// A caller that finds every decoder busy waits (on its own thread) until one is returned
/// or the timeout passes.
final class DecoderPool<Decoder: AnyObject>: @unchecked Sendable {
    // Invariant: `idle`, `checkouts`, `inUse`, `peakInUse` and `used` are read and written only
    // while `condition` is locked; a decoder is either in `idle` or held by exactly one
    // caller inside `withDecoder`, so a non-thread-safe decoder is never used concurrently.
    private let condition = NSCondition()
    private var idle: [Decoder]
    private var checkouts = 0
    private var inUse = 0
    private var peakInUse = 0
    private var used = Set<ObjectIdentifier>()

    /// Decoders in the pool.
    let size: Int

    /// Creates `count` decoders with `make`, now.
    init(count: Int, make: (Int) throws -> Decoder) rethrows {
        idle = try (0..<count).map(make)
        size = count
    }

    /// Runs `body` with a decoder no one else holds, waiting up to `timeout` seconds for one.
    func withDecoder<Result>(timeout: Double?, _ body: (Decoder) throws -> Result) throws -> Result {
        let decoder = try checkOut(timeout: timeout)
        defer { checkIn(decoder) }
        return try body(decoder)
    }

    /// Runs `body` once with every decoder of the pool, borrowing all of them first (waiting up
    /// to `timeout` for each) so that each is visited exactly once.
    func withEachDecoder(timeout: Double?, _ body: (Decoder) throws -> Void) throws {
        var borrowed: [Decoder] = []
        defer { for decoder in borrowed { checkIn(decoder) } }
        for _ in 0..<size { borrowed.append(try checkOut(timeout: timeout)) }
        for decoder in borrowed { try body(decoder) }
    }

    /// Counts since the pool was made.
    var statistics: (checkouts: Int, peakInUse: Int, distinctUsed: Int) {
        condition.lock()
        defer { condition.unlock() }
        return (checkouts, peakInUse, used.count)
    }

    private func checkOut(timeout: Double?) throws -> Decoder {
        condition.lock()
        defer { condition.unlock() }
        let deadline = timeout.map { Date(timeIntervalSinceNow: $0) }
        while idle.isEmpty {
            if let deadline {
                if !condition.wait(until: deadline), idle.isEmpty {
                    throw RecognitionError(
                        .noDecoderFree, "decoder pool",
                        "all \(size) decoders stayed busy for \(timeout ?? 0) s; add decoders or lower the load")
                }
            } else {
                condition.wait()
            }
        }
        let decoder = idle.removeLast()
        checkouts += 1
        inUse += 1
        peakInUse = max(peakInUse, inUse)
        used.insert(ObjectIdentifier(decoder))
        return decoder
    }

    private func checkIn(_ decoder: Decoder) {
        condition.lock()
        idle.append(decoder)
        inUse -= 1
        condition.signal()
        condition.unlock()
    }
}
