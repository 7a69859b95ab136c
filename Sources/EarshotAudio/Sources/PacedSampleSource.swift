/// Delivers another source's samples no faster than real time, like a microphone.
///
/// Each call returns one chunk (``chunkSize`` samples, 10 ms by default) once the wall
/// clock has reached the chunk's end, measured from the first read. A reader that falls
/// behind catches up without sleeping; the schedule never drifts.
public final class PacedSampleSource: SampleSource {
    /// The source being paced.
    public let upstream: any SampleSource
    /// Samples per delivered chunk.
    public let chunkSize: Int
    /// The rate of the samples delivered.
    public var sampleRate: Int { upstream.sampleRate }

    private var startTime: UInt64?
    private var delivered = 0

    /// Paces `upstream` in chunks of `chunkSize` samples.
    public init(_ upstream: any SampleSource, chunkSize: Int = 160) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.upstream = upstream
        self.chunkSize = chunkSize
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws -> Int {
        let start = startTime ?? MonotonicClock.now()
        startTime = start
        let slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<min(buffer.count, chunkSize)])
        let count = try upstream.read(into: slice)
        guard count > 0 else { return 0 }
        delivered += count
        let due = start &+ UInt64(delivered) &* 1_000_000_000 / UInt64(sampleRate)
        MonotonicClock.sleep(until: due)
        return count
    }
}
