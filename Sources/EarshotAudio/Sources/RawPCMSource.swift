#if canImport(Glibc)
    import Glibc
#endif

/// Reads raw 16-bit little-endian mono PCM at 16 kHz from a file descriptor, such as
/// standard input (`arecord -t raw -f S16_LE -r 16000 -c 1 | earshot-edge run --stdin`).
public final class RawPCMSource: SampleSource {
    /// The rate of the samples delivered.
    public let sampleRate = 16_000
    /// A name for messages (`stdin`, a path).
    public let name: String

    private let descriptor: Int32
    private var carry: UInt8?

    /// Reads from `descriptor`, which stays open when the source is released.
    public init(descriptor: Int32 = 0, name: String = "stdin") {
        self.descriptor = descriptor
        self.name = name
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        let raw = UnsafeMutableRawBufferPointer(buffer)
        var filled = 0
        if let byte = carry {
            raw[0] = byte
            filled = 1
            carry = nil
        }
        // Block for at least one whole sample, then take what is there without waiting again.
        while filled < 2 || filled % 2 == 1 {
            let got = Glibc.read(descriptor, raw.baseAddress! + filled, raw.count - filled)
            if got < 0 {
                if errno == EINTR { continue }
                throw AudioError(.ioError, name, "read failed: \(String(cString: strerror(errno)))")
            }
            if got == 0 { break }
            filled += got
            if filled == raw.count { break }
        }
        if filled % 2 == 1 {
            carry = raw[filled - 1]  // an odd trailing byte waits for its partner
            filled -= 1
        }
        let samples = filled / 2
        for index in 0..<samples { buffer[index] = Int16(littleEndian: buffer[index]) }
        return samples
    }
}
