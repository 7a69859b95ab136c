#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes a WAV file in blocks; ``finish()`` fills in the sizes in the header.
///
/// ```swift
/// let writer = try WAVWriter(path: "out.wav", format: .speech)
/// try writer.write(samples)
/// try writer.finish()
/// ```
public final class WAVWriter {
    /// The file's path, as given.
    public let path: String
    /// The layout the samples are written in.
    public let format: WAVFormat
    /// Frames written so far.
    public private(set) var framesWritten = 0

    private var stream: UnsafeMutablePointer<FILE>?
    private var bytes: [UInt8] = []

    /// Creates (or truncates) `path` and writes a header for `format`.
    public init(path: String, format: WAVFormat) throws {
        guard format.sampleRate > 0, format.sampleRate <= WAVHeader.maximumSampleRate,
            format.channelCount > 0, format.channelCount <= WAVHeader.maximumChannelCount
        else {
            throw AudioError(.invalidArgument, path, "cannot write \(format)")
        }
        guard let stream = fopen(path, "wb") else {
            throw AudioError(.ioError, path, "cannot create: \(String(cString: strerror(errno)))")
        }
        self.path = path
        self.format = format
        self.stream = stream
        try put(header(dataBytes: 0))
    }

    deinit {
        if let stream { fclose(stream) }
    }

    /// Writes interleaved 16-bit samples (a multiple of the channel count).
    public func write(_ samples: some Collection<Int16>) throws {
        try write(samples.lazy.map { Float($0) * (1 / 32_768) })
    }

    /// Writes interleaved float samples in [-1, 1] (a multiple of the channel count);
    /// integer encodings round and clamp.
    public func write(_ samples: some Collection<Float>) throws {
        guard samples.count % format.channelCount == 0 else {
            throw AudioError(
                .invalidArgument, path, "\(samples.count) samples is not a whole number of \(format.channelCount)-channel frames")
        }
        bytes.removeAll(keepingCapacity: true)
        bytes.reserveCapacity(samples.count * format.encoding.bytesPerSample)
        for sample in samples { encode(sample) }
        try put(bytes)
        framesWritten += samples.count / format.channelCount
    }

    /// Writes the final sizes into the header, flushes and closes the file.
    public func finish() throws {
        guard let stream else { return }
        let dataBytes = framesWritten * format.bytesPerFrame
        if dataBytes & 1 == 1 { try put([0]) }
        guard dataBytes <= Int(UInt32.max) - 44 else {
            throw AudioError(.invalidArgument, path, "\(dataBytes) bytes of audio exceed the 4 GiB limit of WAV")
        }
        guard fseek(stream, 0, SEEK_SET) == 0 else {
            throw AudioError(.ioError, path, "cannot seek to the header: \(String(cString: strerror(errno)))")
        }
        try put(header(dataBytes: dataBytes))
        self.stream = nil
        guard fflush(stream) == 0, fsync(fileno(stream)) == 0, fclose(stream) == 0 else {
            throw AudioError(.ioError, path, "cannot complete the file: \(String(cString: strerror(errno)))")
        }
    }

    /// Writes a whole 16-bit recording to `path` in one call.
    public static func write(_ samples: [Int16], to path: String, format: WAVFormat = .speech) throws {
        let writer = try WAVWriter(path: path, format: format)
        try writer.write(samples)
        try writer.finish()
    }

    private func put(_ data: [UInt8]) throws {
        guard let stream else {
            throw AudioError(.invalidArgument, path, "writer already finished")
        }
        guard fwrite(data, 1, data.count, stream) == data.count else {
            throw AudioError(.ioError, path, "write failed: \(String(cString: strerror(errno)))")
        }
    }

    @inline(__always)
    private func encode(_ sample: Float) {
        switch format.encoding {
        case .pcmUnsigned8:
            let value = max(-128, min(127, (sample * 128).rounded()))
            bytes.append(UInt8(Int(value.isNaN ? 0 : value) + 128))
        case .pcm16:
            appendLittleEndian(UInt16(bitPattern: SampleDecoder.int16(sample)), byteCount: 2)
        case .pcm24:
            let value = max(-8_388_608, min(8_388_607, (Double(sample) * 8_388_608).rounded()))
            appendLittleEndian(UInt32(bitPattern: Int32(value.isNaN ? 0 : value)), byteCount: 3)
        case .pcm32:
            let value = max(-2_147_483_648, min(2_147_483_647, (Double(sample) * 2_147_483_648).rounded()))
            appendLittleEndian(UInt32(bitPattern: Int32(value.isNaN ? 0 : value)), byteCount: 4)
        case .float32:
            appendLittleEndian(sample.bitPattern, byteCount: 4)
        case .float64:
            appendLittleEndian(Double(sample).bitPattern, byteCount: 8)
        }
    }

    @inline(__always)
    private func appendLittleEndian(_ value: some FixedWidthInteger, byteCount: Int) {
        for index in 0..<byteCount { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    private func header(dataBytes: Int) -> [UInt8] {
        var header: [UInt8] = []
        func append(_ text: String) { header += Array(text.utf8) }
        func append32(_ value: Int) { for index in 0..<4 { header.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        func append16(_ value: Int) { for index in 0..<2 { header.append(UInt8(truncatingIfNeeded: value >> (8 * index))) } }
        append("RIFF")
        append32(36 + dataBytes + (dataBytes & 1))
        append("WAVE")
        append("fmt ")
        append32(16)
        append16(Int(format.encoding.formatTag))
        append16(format.channelCount)
        append32(format.sampleRate)
        append32(format.sampleRate * format.bytesPerFrame)
        append16(format.bytesPerFrame)
        append16(format.encoding.bytesPerSample * 8)
        append("data")
        append32(dataBytes)
        return header
    }
}
