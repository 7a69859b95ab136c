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
    /// Reads until the source ends and returns every sample.
    public func readToEnd(chunkSize: Int = 4096) throws -> [Int16] {
        var all: [Int16] = []
        var chunk = [Int16](repeating: 0, count: chunkSize)
        while true {
            let count = try chunk.withUnsafeMutableBufferPointer { try read(into: $0) }
            if count == 0 { return all }
            all.append(contentsOf: chunk[0..<count])
        }
    }
}
