import Foundation

/// A minimal reader for the 16-bit mono PCM WAV files of shared/data: walks the RIFF
/// chunks to "data". Temporary, until EarshotAudio's reader lands on main.
enum TestWAVReader {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func samples(at url: URL) throws -> [Int16] {
        let bytes = try Data(contentsOf: url)
        func u32(_ offset: Int) -> Int {
            bytes.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        }
        func u16(_ offset: Int) -> Int {
            bytes.withUnsafeBytes { Int(UInt16(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self))) }
        }
        guard bytes.count >= 12, bytes.prefix(4) == Data("RIFF".utf8), bytes[8..<12] == Data("WAVE".utf8) else {
            throw Failure(description: "\(url.path): not a RIFF/WAVE file")
        }
        var offset = 12
        var format: (channels: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<offset + 4], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                format = (u16(body + 2), u16(body + 14))
            } else if id == "data" {
                guard let format, format.channels == 1, format.bits == 16 else {
                    throw Failure(description: "\(url.path): not 16-bit mono PCM")
                }
                let end = min(body + size, bytes.count)
                return bytes.withUnsafeBytes { raw in
                    stride(from: body, to: end - 1, by: 2).map {
                        Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0, as: Int16.self))
                    }
                }
            }
            offset = body + size + (size & 1)
        }
        throw Failure(description: "\(url.path): no data chunk")
    }
}
