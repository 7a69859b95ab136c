/// Streams a WAV file of any supported encoding, rate and channel count as 16 kHz mono
/// 16-bit samples: channels are averaged and the rate is converted by ``Resampler``. A file
/// that is already 16-bit mono at the output rate is copied as it is (the same samples, without
/// the trip through `Float` and the resampler).
///
/// This is the unpaced file source: it delivers as fast as it is read. Wrap it in a
/// ``PacedSampleSource`` to deliver at the speed of a microphone.
public final class AudioFileReader: SampleSource {
    /// The rate of the samples delivered.
    public let sampleRate: Int
    /// The layout of the file being read.
    public var sourceFormat: WAVFormat { wav.format }
    /// The file's path.
    public var path: String { wav.path }

    private let wav: WAVReader
    private var resampler: Resampler
    private var decoded: [Float] = []
    private var resampled: [Float] = []
    private var resampledOffset = 0
    private var finished = false
    private let copiesSamples: Bool

    /// Opens `path`; see ``WAVReader/init(path:)`` for the errors it throws.
    public init(path: String, sampleRate: Int = 16_000) throws {
        wav = try WAVReader(path: path)
        self.sampleRate = sampleRate
        resampler = try Resampler(inputRate: wav.format.sampleRate, outputRate: sampleRate)
        copiesSamples = wav.isSixteenBitMono && resampler.isIdentity
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws -> Int {
        if copiesSamples {
            var written = 0
            while written < buffer.count {
                let count = try wav.readSpeechSamples(into: UnsafeMutableBufferPointer(rebasing: buffer[written...]))
                if count == 0 { break }
                written += count
            }
            return written
        }
        var written = 0
        while written < buffer.count {
            if resampledOffset == resampled.count {
                guard try refill() else { break }
                continue
            }
            let count = min(buffer.count - written, resampled.count - resampledOffset)
            for index in 0..<count {
                buffer[written &+ index] = SampleDecoder.int16(resampled[resampledOffset &+ index])
            }
            written += count
            resampledOffset += count
        }
        return written
    }

    /// Reads a whole file as 16 kHz mono 16-bit samples.
    public static func readAll(path: String, sampleRate: Int = 16_000) throws -> [Int16] {
        let reader = try AudioFileReader(path: path, sampleRate: sampleRate)
        return try reader.readToEnd(chunkSize: 1 << 16)
    }

    /// Decodes the next block of the file; false once everything has been delivered.
    private func refill() throws -> Bool {
        guard !finished else { return false }
        resampled.removeAll(keepingCapacity: true)
        resampledOffset = 0
        decoded.removeAll(keepingCapacity: true)
        if try wav.read(maxFrames: 8192, into: &decoded) > 0 {
            resampler.process(decoded, into: &resampled)
        } else {
            resampler.flush(into: &resampled)
            finished = true
        }
        return true
    }
}
