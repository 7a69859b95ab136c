import EarshotFiles
/// Reads a WAV file in blocks, without loading it whole.
///
/// Samples come out as mono `Float` in [-1, 1] at the file's own rate: channels are
/// averaged. ``AudioFileReader`` adds resampling to 16 kHz and 16-bit output.
///
/// ```swift
/// let reader = try WAVReader(path: "speech.wav")
/// var block: [Float] = []
/// while try reader.read(maxFrames: 4096, into: &block) > 0 { … }
/// ```
public final class WAVReader {
    /// The file's path, as given.
    public let path: String
    /// The file's sample layout.
    public let format: WAVFormat
    /// Frames in the file.
    public let frameCount: Int
    /// Frames delivered so far.
    public private(set) var framesRead = 0

    private let file: ReadOnlyFile
    private let dataOffset: Int
    private var bytes: [UInt8] = []

    /// Opens `path` and parses its header.
    ///
    /// - Throws: ``AudioError`` naming the file and the problem: missing file, not a WAV,
    ///   truncated or corrupt header, a `data` chunk longer than the file, no audio, or an
    ///   encoding other than 8/16/24/32-bit integer or 32/64-bit float.
    public init(path: String) throws {
        let file = try ReadOnlyFile(path: path, errors: AudioError.init)
        let header = try WAVHeader.parse(
            read: { try file.read(at: $0, count: $1) },
            fileSize: file.size,
            path: path
        )
        self.path = path
        self.file = file
        self.format = header.format
        self.frameCount = header.frameCount
        self.dataOffset = header.dataOffset
    }

    /// Duration of the file in seconds.
    public var duration: Double { Double(frameCount) / Double(format.sampleRate) }

    /// Appends up to `maxFrames` mono samples to `output`.
    ///
    /// - Returns: the number of frames appended; 0 once the file is exhausted.
    @discardableResult
    public func read(maxFrames: Int, into output: inout [Float]) throws -> Int {
        let frames = min(maxFrames, frameCount - framesRead)
        guard frames > 0 else { return 0 }
        let byteCount = frames * format.bytesPerFrame
        if bytes.count < byteCount { bytes = [UInt8](repeating: 0, count: byteCount) }
        let offset = dataOffset + framesRead * format.bytesPerFrame
        let got = try bytes.withUnsafeMutableBytes {
            try file.read(at: offset, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<byteCount]))
        }
        guard got == byteCount else {
            throw AudioError(.truncated, path, "file shrank while reading: expected \(byteCount) bytes at byte \(offset), got \(got)")
        }
        let start = output.count
        output.reserveCapacity(start + frames)
        bytes.withUnsafeBytes { raw in
            SampleDecoder.appendMono(
                UnsafeRawBufferPointer(rebasing: raw[0..<byteCount]),
                encoding: format.encoding,
                channelCount: format.channelCount,
                to: &output
            )
        }
        framesRead += frames
        return output.count - start
    }

    /// Whether ``readSpeechSamples(into:)`` applies: the file is 16-bit mono.
    public var isSixteenBitMono: Bool { format.encoding == .pcm16 && format.channelCount == 1 }

    /// Copies up to `buffer.count` samples of a 16-bit mono file into `buffer` as they are,
    /// without the trip through `Float` that ``read(maxFrames:into:)`` makes (the values are
    /// the same: a 16-bit sample survives it exactly).
    ///
    /// - Precondition: ``isSixteenBitMono``.
    /// - Returns: the number of samples copied; 0 once the file is exhausted.
    public func readSpeechSamples(into buffer: UnsafeMutableBufferPointer<Int16>) throws -> Int {
        precondition(isSixteenBitMono, "readSpeechSamples needs a 16-bit mono file")
        let frames = min(buffer.count, frameCount - framesRead)
        guard frames > 0 else { return 0 }
        let offset = dataOffset + framesRead * 2
        let got = try file.read(at: offset, into: UnsafeMutableRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[0..<frames])))
        guard got == frames * 2 else {
            throw AudioError(.truncated, path, "file shrank while reading: expected \(frames * 2) bytes at byte \(offset), got \(got)")
        }
        #if _endian(big)
            for index in 0..<frames { buffer[index] = Int16(littleEndian: buffer[index]) }
        #endif
        framesRead += frames
        return frames
    }

    /// Reads every remaining frame.
    public func readAll() throws -> [Float] {
        var output: [Float] = []
        output.reserveCapacity(frameCount - framesRead)
        while try read(maxFrames: 1 << 16, into: &output) > 0 {}
        return output
    }
}
