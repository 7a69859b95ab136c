import Foundation
import Testing

@testable import EarshotAudio

/// Every malformed file is refused with an error that names the file and the problem.
@Suite struct WAVBadInputTests {
    /// A canonical 44-byte header followed by `dataBytes` bytes of audio.
    private func header(
        tag: UInt16 = 1, channels: UInt16 = 1, rate: UInt32 = 16_000, bits: UInt16 = 16,
        blockAlign: UInt16? = nil, declaredData: UInt32, actualData: Int
    ) -> Data {
        var data = Data()
        func put32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        func put16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        let align = blockAlign ?? channels * bits / 8
        data.append(contentsOf: Array("RIFF".utf8)); put32(36 + declaredData)
        data.append(contentsOf: Array("WAVEfmt ".utf8)); put32(16)
        put16(tag); put16(channels); put32(rate); put32(rate * UInt32(align)); put16(align); put16(bits)
        data.append(contentsOf: Array("data".utf8)); put32(declaredData)
        data.append(Data(repeating: 0x11, count: actualData))
        return data
    }

    private func expectError(
        _ bytes: Data, _ code: AudioError.Code, mentioning words: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.wav").path
        try bytes.write(to: URL(fileURLWithPath: path))
        do {
            _ = try WAVReader(path: path)
            Issue.record("expected \(code), file was accepted", sourceLocation: sourceLocation)
        } catch let error as AudioError {
            #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
            #expect(error.description.hasPrefix(path), "message must name the file: \(error)", sourceLocation: sourceLocation)
            for word in words {
                #expect(error.description.contains(word), "message lacks '\(word)': \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test func emptyFile() throws {
        try expectError(Data(), .truncated, mentioning: ["too short"])
    }

    @Test func truncatedHeader() throws {
        let full = header(declaredData: 100, actualData: 100)
        try expectError(full.prefix(30), .truncated, mentioning: ["'fmt ' chunk"])
        try expectError(full.prefix(38), .truncated, mentioning: ["before a 'data' chunk"])
    }

    @Test func notARiffFile() throws {
        try expectError(Data("ID3\u{3}hello this is an mp3 file".utf8), .notWAV, mentioning: ["not a RIFF/WAVE", "ID3"])
    }

    @Test func dataChunkLongerThanTheFile() throws {
        try expectError(header(declaredData: 32_000, actualData: 1_000), .truncated, mentioning: ["32000 bytes", "only 1000"])
    }

    @Test func zeroLengthAudio() throws {
        try expectError(header(declaredData: 0, actualData: 0), .emptyAudio, mentioning: ["no audio"])
    }

    @Test func unsupportedEncodings() throws {
        try expectError(header(tag: 6, bits: 8, declaredData: 100, actualData: 100), .unsupportedEncoding, mentioning: ["A-law"])
        try expectError(
            header(tag: 2, bits: 4, blockAlign: 256, declaredData: 100, actualData: 100), .unsupportedEncoding, mentioning: ["ADPCM"])
        try expectError(header(bits: 12, blockAlign: 2, declaredData: 100, actualData: 100), .unsupportedEncoding, mentioning: ["12-bit"])
    }

    @Test func corruptFormatFields() throws {
        try expectError(header(channels: 0, declaredData: 100, actualData: 100), .corruptHeader, mentioning: ["0 channels"])
        try expectError(header(rate: 0, declaredData: 100, actualData: 100), .corruptHeader, mentioning: ["sample rate of 0"])
        try expectError(header(blockAlign: 3, declaredData: 100, actualData: 100), .corruptHeader, mentioning: ["3 bytes per frame"])
    }

    @Test func dataBeforeFormat() throws {
        var bytes = Data("RIFF".utf8) + Data([36, 0, 0, 0]) + Data("WAVE".utf8)
        bytes += Data("data".utf8) + Data([4, 0, 0, 0, 1, 2, 3, 4])
        try expectError(bytes, .corruptHeader, mentioning: ["before any 'fmt ' chunk"])
    }

    @Test func missingFile() throws {
        #expect(throws: AudioError.self) { try WAVReader(path: "/nonexistent/earshot.wav") }
        do {
            _ = try WAVReader(path: "/nonexistent/earshot.wav")
        } catch let error as AudioError {
            #expect(error.code == .fileNotFound)
            #expect(error.description.contains("/nonexistent/earshot.wav"))
        }
    }

    @Test func unknownChunksAreSkipped() throws {
        let directory = try TestSupport.scratchDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("list.wav").path
        var bytes = header(declaredData: 4, actualData: 0)
        let dataHeader = bytes.suffix(8)
        bytes.removeLast(8)
        bytes += Data("LIST".utf8) + Data([3, 0, 0, 0, 9, 9, 9, 0])  // odd size, padded
        bytes += dataHeader + Data([0x34, 0x12, 0xCC, 0xFF])
        try bytes.write(to: URL(fileURLWithPath: path))
        #expect(try AudioFileReader.readAll(path: path) == [0x1234, -52])
    }
}
