/// How the samples of a WAV file are laid out.
public struct WAVFormat: Sendable, Equatable, CustomStringConvertible {
    /// The sample encodings Earshot reads and writes.
    public enum Encoding: Sendable, Equatable, CaseIterable, CustomStringConvertible {
        /// 8-bit unsigned integer PCM (offset 128).
        case pcmUnsigned8
        /// 16-bit signed little-endian PCM.
        case pcm16
        /// 24-bit signed little-endian PCM, packed in three bytes.
        case pcm24
        /// 32-bit signed little-endian PCM.
        case pcm32
        /// 32-bit IEEE float, nominal range [-1, 1].
        case float32
        /// 64-bit IEEE float, nominal range [-1, 1].
        case float64

        /// Bytes one sample of one channel takes.
        public var bytesPerSample: Int {
            switch self {
            case .pcmUnsigned8: 1
            case .pcm16: 2
            case .pcm24: 3
            case .pcm32, .float32: 4
            case .float64: 8
            }
        }

        /// The `wFormatTag` this encoding is written with (1 PCM, 3 IEEE float).
        var formatTag: UInt16 {
            switch self {
            case .pcmUnsigned8, .pcm16, .pcm24, .pcm32: 1
            case .float32, .float64: 3
            }
        }

        public var description: String {
            switch self {
            case .pcmUnsigned8: "8-bit unsigned PCM"
            case .pcm16: "16-bit PCM"
            case .pcm24: "24-bit PCM"
            case .pcm32: "32-bit PCM"
            case .float32: "32-bit float"
            case .float64: "64-bit float"
            }
        }
    }

    /// The sample encoding.
    public var encoding: Encoding
    /// Frames per second.
    public var sampleRate: Int
    /// Interleaved channels per frame.
    public var channelCount: Int

    /// Creates a format.
    public init(encoding: Encoding, sampleRate: Int, channelCount: Int) {
        self.encoding = encoding
        self.sampleRate = sampleRate
        self.channelCount = channelCount
    }

    /// 16 kHz mono 16-bit PCM: what the edge pipeline consumes.
    public static let speech = WAVFormat(encoding: .pcm16, sampleRate: 16_000, channelCount: 1)

    /// Bytes one frame (one sample of every channel) takes.
    public var bytesPerFrame: Int { encoding.bytesPerSample * channelCount }

    public var description: String {
        "\(encoding), \(sampleRate) Hz, \(channelCount) channel\(channelCount == 1 ? "" : "s")"
    }
}
