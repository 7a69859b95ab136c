import EarshotWire
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The bytes of one spool entry file (`queue/<key>.seg`):
///
/// | offset | size | field |
/// |---|---|---|
/// | 0 | 8 | magic `ESPOOL01` |
/// | 8 | 4 | metadata length M, little-endian |
/// | 12 | 4 | audio length A, little-endian |
/// | 16 | 4 | CRC-32 of the M + A bytes that follow, little-endian |
/// | 20 | M | the ``SpoolRecord`` as JSON |
/// | 20 + M | A | the WAV file to upload |
///
/// A file whose length is not exactly 20 + M + A, or whose checksum differs, is torn or damaged.
enum SpoolEntryFormat {
    static let magic = Array("ESPOOL01".utf8)
    static let headerSize = 20
    static let fileExtension = ".seg"

    /// What the entry file holds besides the audio.
    struct SpoolRecord: Codable {
        var metadata: SegmentMetadata
        var spooledAt: String

        enum CodingKeys: String, CodingKey {
            case metadata
            case spooledAt = "spooled_at"
        }
    }

    static func encode(metadata: SegmentMetadata, spooledAt: Date, wav: Data) throws -> Data {
        let record = try WireJSON.encode(SpoolRecord(metadata: metadata, spooledAt: WireTimestamp.format(spooledAt)))
        var crc = record.withUnsafeBytes { CRC32.update(0, $0) }
        crc = wav.withUnsafeBytes { CRC32.update(crc, $0) }
        var data = Data(capacity: headerSize + record.count + wav.count)
        data.append(contentsOf: magic)
        for value in [UInt32(record.count), UInt32(wav.count), crc] {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        data.append(record)
        data.append(wav)
        return data
    }

    /// The header fields, checked against the file's length.
    struct Header {
        var metadataLength: Int
        var audioLength: Int
        var checksum: UInt32
    }

    /// Reads and checks the header; `fileSize` is the file's real length.
    static func header(_ prefix: Data, fileSize: Int) throws -> Header {
        let bytes = [UInt8](prefix.prefix(headerSize))
        guard bytes.count == headerSize else {
            throw SpoolDamage("file is \(fileSize) bytes, shorter than the \(headerSize)-byte header (torn write)")
        }
        guard Array(bytes[0..<8]) == magic else { throw SpoolDamage("does not start with the spool magic ESPOOL01") }
        func u32(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
        }
        let header = Header(metadataLength: Int(u32(8)), audioLength: Int(u32(12)), checksum: u32(16))
        let expected = headerSize + header.metadataLength + header.audioLength
        guard expected == fileSize else {
            throw SpoolDamage("header declares \(expected) bytes but the file holds \(fileSize) (torn or damaged)")
        }
        return header
    }

    /// Reads the record (metadata and spool time) from the bytes after the header.
    static func record(_ data: Data, header: Header) throws -> (SegmentMetadata, Date) {
        let start = data.startIndex + headerSize
        guard data.count >= headerSize + header.metadataLength else { throw SpoolDamage("metadata is cut short") }
        let json = data[start..<(start + header.metadataLength)]
        let record: SpoolRecord
        do {
            record = try WireJSON.decode(SpoolRecord.self, from: Data(json))
        } catch {
            throw SpoolDamage("metadata is not valid JSON of a segment: \(error)")
        }
        guard let spooledAt = WireTimestamp.parse(record.spooledAt) else {
            throw SpoolDamage("spooled_at '\(record.spooledAt)' is not a timestamp")
        }
        return (record.metadata, spooledAt)
    }

    /// Checks the whole file (length, checksum, metadata, WAV) and returns its parts.
    static func decode(_ data: Data) throws -> (SegmentMetadata, Date, Data) {
        let header = try header(data, fileSize: data.count)
        let body = data[(data.startIndex + headerSize)...]
        let crc = body.withUnsafeBytes { CRC32.update(0, $0) }
        guard crc == header.checksum else {
            throw SpoolDamage(
                "checksum \(String(crc, radix: 16)) differs from the recorded \(String(header.checksum, radix: 16)) (damaged)")
        }
        let (metadata, spooledAt) = try record(data, header: header)
        let wav = Data(data[(data.startIndex + headerSize + header.metadataLength)...])
        do {
            _ = try SegmentWAV.inspect(wav)
        } catch {
            throw SpoolDamage("audio is not a valid segment WAV: \(error)")
        }
        return (metadata, spooledAt, wav)
    }
}

/// Why an entry file cannot be trusted; becomes the `.reason` file beside it in `corrupt/`.
struct SpoolDamage: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
