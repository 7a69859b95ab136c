/// A source of 16 kHz mono 16-bit samples: a file, a microphone, a paced replay.
///
/// Sources are used from one thread at a time; a blocking source (ALSA) is read from a
/// thread of its own (``CaptureThread``), never from the Swift concurrency pool.
public protocol SampleSource: AnyObject {
    /// The rate of the samples delivered.
    var sampleRate: Int { get }

    /// Fills the start of `buffer` with the next samples.
    ///
    /// - Returns: how many samples were written; 0 means the source has ended.
    func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws -> Int
}

extension SampleSource {
    /// Reads until the source ends, handing each chunk to `body` (valid only during the call).
    ///
    /// - Returns: the number of samples read.
    @discardableResult
    public func forEachChunk(size: Int = 4096, _ body: (UnsafeBufferPointer<Int16>) throws -> Void) throws -> Int {
        var chunk = [Int16](repeating: 0, count: size)
        var total = 0
        while true {
            let count = try chunk.withUnsafeMutableBufferPointer { try read(into: $0) }
            if count == 0 { return total }
            total += count
            try chunk.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Reads until the source ends and returns every sample.
    public func readToEnd(chunkSize: Int = 4096) throws -> [Int16] {
        var all: [Int16] = []
        try forEachChunk(size: chunkSize) { all.append(contentsOf: $0) }
        return all
    }
}
