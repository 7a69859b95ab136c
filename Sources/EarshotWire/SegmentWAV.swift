#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The audio format of an upload body: a RIFF/WAVE file, PCM, 16 kHz, mono, 16-bit little-endian.
///
/// ``encode(samples:)`` writes the canonical 44-byte header followed by the samples;
/// ``inspect(_:)`` checks a body against the contract (and accepts extra chunks such as `LIST`
/// before `data`, as other writers put them there).
public enum SegmentWAV {
    /// Samples per second.
    public static let sampleRate = 16_000
    /// Channels.
    public static let channels = 1
    /// Bits per sample.
    public static let bitsPerSample = 16
    /// Bytes of the header ``encode(samples:)`` writes.
    public static let canonicalHeaderSize = 44

    /// What ``inspect(_:)`` found in a valid body.
    public struct Info: Hashable, Sendable {
        /// Byte offset of the first sample.
        public var dataOffset: Int
        /// Number of samples (one channel).
        public var sampleCount: Int
        /// Length of the audio in seconds.
        public var duration: Double { Double(sampleCount) / Double(SegmentWAV.sampleRate) }
    }

    /// Writes `samples` as a WAV file in the contract's format.
    public static func encode(samples: some Collection<Int16>) -> Data {
        let dataBytes = samples.count * 2
        var data = Data(capacity: canonicalHeaderSize + dataBytes)
        func append32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        func append16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: Array("RIFF".utf8))
        append32(UInt32(36 + dataBytes))
        data.append(contentsOf: Array("WAVEfmt ".utf8))
        append32(16)
        append16(1)  // PCM
        append16(UInt16(channels))
        append32(UInt32(sampleRate))
        append32(UInt32(sampleRate * channels * bitsPerSample / 8))
        append16(UInt16(channels * bitsPerSample / 8))
        append16(UInt16(bitsPerSample))
        data.append(contentsOf: Array("data".utf8))
        append32(UInt32(dataBytes))
        for sample in samples { append16(UInt16(bitPattern: sample)) }
        return data
    }

    /// Checks that `body` is a complete WAV file in the contract's format.
    ///
    /// - Throws: ``WireError`` with code ``WireError/Code/invalidAudio`` saying what is wrong
    ///   (not RIFF/WAVE, another encoding, rate or channel count, a truncated data chunk).
    public static func inspect(_ body: Data) throws -> Info {
        let bytes = [UInt8](body)
        func u32(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24 }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func fail(_ reason: String) -> WireError { WireError(.invalidAudio, "body", reason) }
        guard bytes.count >= 12, bytes[0..<4].elementsEqual("RIFF".utf8), bytes[8..<12].elementsEqual("WAVE".utf8) else {
            throw fail("not a RIFF/WAVE file")
        }
        var offset = 12
        var sawFormat = false
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = u32(offset + 4)
            let start = offset + 8
            if id == "fmt " {
                guard size >= 16, start + 16 <= bytes.count else { throw fail("fmt chunk is truncated") }
                let format = u16(start)
                let channelCount = u16(start + 2)
                let rate = u32(start + 4)
                let bits = u16(start + 14)
                guard format == 1 || format == 0xFFFE else { throw fail("encoding \(format) is not PCM") }
                guard channelCount == channels, rate == sampleRate, bits == bitsPerSample else {
                    throw fail(
                        "format is \(rate) Hz, \(channelCount) channel(s), \(bits)-bit; the contract is \(sampleRate) Hz, mono, 16-bit")
                }
                sawFormat = true
            } else if id == "data" {
                guard sawFormat else { throw fail("data chunk comes before the fmt chunk") }
                guard start + size <= bytes.count else {
                    throw fail("data chunk declares \(size) bytes but \(bytes.count - start) follow (truncated)")
                }
                guard size % 2 == 0 else { throw fail("data chunk holds an odd number of bytes (\(size))") }
                return Info(dataOffset: start, sampleCount: size / 2)
            }
            offset = start + size + (size & 1)
        }
        throw fail(sawFormat ? "no data chunk" : "no fmt chunk")
    }
}
