import EarshotWire
import Foundation

/// Checks an upload body before any model runs and turns it into samples.
///
/// Accepted: a WAV file in the contract's format (16 kHz, mono, 16-bit PCM, see
/// ``EarshotWire/SegmentWAV``), or raw PCM sent as `Content-Type: audio/L16; rate=16000;
/// channels=1` (big-endian, RFC 2586). Refused with a message that says what is wrong: another
/// format, a truncated file, audio shorter or longer than the bounds, or digital silence.
public struct AudioValidator: Sendable {
    /// Shortest accepted audio in seconds.
    public var minSeconds: Double
    /// Longest accepted audio in seconds.
    public var maxSeconds: Double
    /// Audio whose largest absolute sample is at most this counts as silent.
    public var silencePeak: Int

    /// Creates a validator; defaults 0.5 s to 30 s, silence at peak <= 8.
    public init(minSeconds: Double = 0.5, maxSeconds: Double = 30, silencePeak: Int = 8) {
        self.minSeconds = minSeconds
        self.maxSeconds = maxSeconds
        self.silencePeak = silencePeak
    }

    /// The samples of `body`.
    ///
    /// - Parameter contentType: the request's `Content-Type`, nil when absent (read as WAV).
    /// - Throws: ``CloudError`` with code `invalid_audio`.
    public func samples(from body: [UInt8], contentType: String?) throws -> [Int16] {
        let type = contentType?.lowercased() ?? SegmentUpload.contentType
        let samples: [Int16]
        if type.hasPrefix("audio/l16") {
            let parameters = Self.parameters(type)
            guard parameters["rate"] == "16000", parameters["channels", default: "1"] == "1" else {
                throw CloudError(
                    .invalidAudio, "body: audio/L16 must be sent with rate=16000 and channels=1, got '\(contentType ?? "")'")
            }
            guard body.count % 2 == 0 else { throw CloudError(.invalidAudio, "body: raw PCM holds an odd number of bytes (\(body.count))") }
            samples = Self.decode(body, from: 0, count: body.count / 2, bigEndian: true)
        } else if type.hasPrefix("audio/wav") || type.hasPrefix("audio/x-wav") || type.hasPrefix("audio/wave")
            || type.hasPrefix("application/octet-stream")
        {
            let info: SegmentWAV.Info
            do {
                info = try SegmentWAV.inspect(Data(body))
            } catch let error as WireError {
                throw CloudError(.invalidAudio, error.description)
            }
            samples = Self.decode(body, from: info.dataOffset, count: info.sampleCount, bigEndian: false)
        } else {
            throw CloudError(
                .invalidAudio, "Content-Type '\(contentType ?? "")' is not audio/wav or audio/L16; rate=16000; channels=1")
        }
        let seconds = Double(samples.count) / Double(SegmentWAV.sampleRate)
        guard seconds >= minSeconds else {
            throw CloudError(.invalidAudio, "body: audio lasts \(Self.format(seconds)) s, shorter than the minimum \(minSeconds) s")
        }
        guard seconds <= maxSeconds else {
            throw CloudError(.invalidAudio, "body: audio lasts \(Self.format(seconds)) s, longer than the maximum \(maxSeconds) s")
        }
        let peak = Self.peak(samples)
        guard peak > silencePeak else {
            throw CloudError(.invalidAudio, "body: the audio is silent (largest sample magnitude \(peak))")
        }
        return samples
    }

    /// 16-bit samples from `bytes` at `offset`, in one pass over raw memory.
    static func decode(_ bytes: [UInt8], from offset: Int, count: Int, bigEndian: Bool) -> [Int16] {
        [Int16](unsafeUninitializedCapacity: count) { samples, initialized in
            bytes.withUnsafeBytes { raw in
                let source = raw.baseAddress! + offset
                for index in 0..<count {
                    let value = source.loadUnaligned(fromByteOffset: index &* 2, as: UInt16.self)
                    samples[index] = Int16(bitPattern: bigEndian ? UInt16(bigEndian: value) : UInt16(littleEndian: value))
                }
            }
            initialized = count
        }
    }

    /// The largest sample magnitude.
    static func peak(_ samples: [Int16]) -> Int {
        samples.withUnsafeBufferPointer { buffer in
            var low: Int16 = 0
            var high: Int16 = 0
            for sample in buffer {
                low = min(low, sample)
                high = max(high, sample)
            }
            return max(Int(high), -Int(low))
        }
    }

    private static func parameters(_ contentType: String) -> [String: String] {
        var result: [String: String] = [:]
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { result[pair[0]] = pair[1] }
        }
        return result
    }

    private static func format(_ value: Double) -> String { String(format: "%.3f", value) }
}
