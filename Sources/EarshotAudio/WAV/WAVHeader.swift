/// The parsed header of a RIFF/WAVE file: its format and where its samples lie.
struct WAVHeader: Sendable, Equatable {
    /// The sample layout from the `fmt ` chunk.
    var format: WAVFormat
    /// Byte offset of the first sample.
    var dataOffset: Int
    /// Whole frames in the `data` chunk.
    var frameCount: Int

    /// Largest sample rate accepted; anything above is taken as a corrupt header.
    static let maximumSampleRate = 1_536_000
    /// Largest channel count accepted.
    static let maximumChannelCount = 64

    /// Parses the header of a WAV file.
    ///
    /// - Parameters:
    ///   - read: reads `count` bytes at a byte offset, returning fewer at the end of the file.
    ///   - fileSize: the size of the whole file in bytes.
    ///   - path: the file's name, for error messages.
    static func parse(
        read: (_ offset: Int, _ count: Int) throws -> [UInt8],
        fileSize: Int,
        path: String
    ) throws -> WAVHeader {
        let riff = try read(0, 12)
        guard riff.count == 12 else {
            throw AudioError(.truncated, path, "file is \(fileSize) bytes, too short for a RIFF/WAVE header (12 bytes)")
        }
        let magic = String(decoding: riff[0..<4], as: UTF8.self)
        guard magic == "RIFF", String(decoding: riff[8..<12], as: UTF8.self) == "WAVE" else {
            if magic == "RF64" {
                throw AudioError(.unsupportedEncoding, path, "RF64 (64-bit WAV) files are not supported")
            }
            throw AudioError(.notWAV, path, "not a RIFF/WAVE file (starts with \(printable(riff[0..<4])))")
        }

        var format: WAVFormat?
        var offset = 12
        while true {
            let chunkHeader = try read(offset, 8)
            guard chunkHeader.count == 8 else {
                let what = format == nil ? "a 'fmt ' chunk" : "a 'data' chunk"
                throw AudioError(.truncated, path, "file ends at byte \(fileSize) before \(what)")
            }
            let id = String(decoding: chunkHeader[0..<4], as: UTF8.self)
            let size = Int(littleEndianUInt32(chunkHeader, at: 4))
            let bodyOffset = offset + 8
            switch id {
            case "fmt ":
                guard size >= 16 else {
                    throw AudioError(.corruptHeader, path, "'fmt ' chunk at byte \(offset) is \(size) bytes, needs at least 16")
                }
                let body = try read(bodyOffset, min(size, 40))
                guard body.count >= min(size, 40) else {
                    throw AudioError(.truncated, path, "file ends inside the 'fmt ' chunk at byte \(offset)")
                }
                format = try parseFormat(body, path: path)
            case "data":
                guard let format else {
                    throw AudioError(.corruptHeader, path, "'data' chunk at byte \(offset) comes before any 'fmt ' chunk")
                }
                let available = fileSize - bodyOffset
                guard size <= available else {
                    throw AudioError(
                        .truncated, path,
                        "'data' chunk declares \(size) bytes but the file holds only \(max(available, 0)) after byte \(bodyOffset)"
                    )
                }
                let frames = size / format.bytesPerFrame
                guard frames > 0 else {
                    throw AudioError(.emptyAudio, path, "'data' chunk holds no audio (\(size) bytes)")
                }
                return WAVHeader(format: format, dataOffset: bodyOffset, frameCount: frames)
            default:
                break
            }
            // Chunks are padded to an even size.
            offset = bodyOffset + size + (size & 1)
            guard offset <= fileSize else {
                throw AudioError(
                    .truncated, path, "chunk '\(printable(chunkHeader[0..<4]))' at byte \(bodyOffset - 8) runs past the end of the file")
            }
        }
    }

    private static func parseFormat(_ body: [UInt8], path: String) throws -> WAVFormat {
        var tag = littleEndianUInt16(body, at: 0)
        let channels = Int(littleEndianUInt16(body, at: 2))
        let sampleRate = Int(littleEndianUInt32(body, at: 4))
        let blockAlign = Int(littleEndianUInt16(body, at: 12))
        let bits = Int(littleEndianUInt16(body, at: 14))
        if tag == 0xFFFE {
            // WAVE_FORMAT_EXTENSIBLE: the real tag is the first two bytes of the sub-format GUID.
            guard body.count >= 40 else {
                throw AudioError(.corruptHeader, path, "extensible 'fmt ' chunk is \(body.count) bytes, needs 40")
            }
            tag = littleEndianUInt16(body, at: 24)
        }
        guard channels >= 1, channels <= maximumChannelCount else {
            throw AudioError(.corruptHeader, path, "'fmt ' chunk declares \(channels) channels")
        }
        guard sampleRate >= 1, sampleRate <= maximumSampleRate else {
            throw AudioError(.corruptHeader, path, "'fmt ' chunk declares a sample rate of \(sampleRate) Hz")
        }
        let encoding: WAVFormat.Encoding
        switch (tag, bits) {
        case (1, 8): encoding = .pcmUnsigned8
        case (1, 16): encoding = .pcm16
        case (1, 24): encoding = .pcm24
        case (1, 32): encoding = .pcm32
        case (3, 32): encoding = .float32
        case (3, 64): encoding = .float64
        case (1, _), (3, _):
            throw AudioError(.unsupportedEncoding, path, "\(bits)-bit \(tag == 1 ? "integer PCM" : "float") is not supported")
        default:
            throw AudioError(.unsupportedEncoding, path, "sample encoding \(encodingName(tag)) is not supported; use PCM or IEEE float")
        }
        let format = WAVFormat(encoding: encoding, sampleRate: sampleRate, channelCount: channels)
        guard blockAlign == format.bytesPerFrame else {
            throw AudioError(
                .corruptHeader, path,
                "'fmt ' chunk declares \(blockAlign) bytes per frame, \(format) needs \(format.bytesPerFrame)"
            )
        }
        return format
    }

    private static func encodingName(_ tag: UInt16) -> String {
        switch tag {
        case 2: "Microsoft ADPCM (2)"
        case 6: "A-law (6)"
        case 7: "µ-law (7)"
        case 0x11: "IMA ADPCM (0x11)"
        case 0x55: "MPEG Layer 3 (0x55)"
        default: "0x" + String(tag, radix: 16)
        }
    }

    private static func printable(_ bytes: ArraySlice<UInt8>) -> String {
        let text = bytes.map { (32...126).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
        return "'\(text)'"
    }
}

@inline(__always)
func littleEndianUInt16(_ bytes: [UInt8], at index: Int) -> UInt16 {
    UInt16(bytes[index]) | UInt16(bytes[index + 1]) << 8
}

@inline(__always)
func littleEndianUInt32(_ bytes: [UInt8], at index: Int) -> UInt32 {
    UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16 | UInt32(bytes[index + 3]) << 24
}
