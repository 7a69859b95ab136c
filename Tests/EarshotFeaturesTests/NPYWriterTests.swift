import Foundation
import Testing

@testable import EarshotFeatures

@Suite struct NPYWriterTests {
    private func scratchPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("earshot-npy-\(UUID().uuidString)-\(name)").path
    }

    /// Splits a `.npy` file into its header text and its data bytes.
    private func parse(_ path: String) throws -> (header: String, data: Data) {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.prefix(8) == Data([0x93] + Array("NUMPY".utf8) + [1, 0]))
        let length = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + length) % 64 == 0, "data must start 64-byte aligned")
        let header = String(decoding: bytes[10..<(10 + length)], as: UTF8.self)
        #expect(header.hasSuffix("\n"))
        return (header, bytes.suffix(from: 10 + length))
    }

    @Test func floatRowsRoundTrip() throws {
        let path = scratchPath("rows.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try NPYWriter(path: path, columnCount: 3, elementType: .float32)
        let rows: [[Float]] = [[1, 2.5, -3], [0.125, 1e-8, 65_536], [-0, 7, 8]]
        for row in rows { try row.withUnsafeBufferPointer { try writer.append($0) } }
        try writer.finish()

        let (header, data) = try parse(path)
        #expect(header.contains("'descr': '<f4'"))
        #expect(header.contains("'fortran_order': False"))
        #expect(header.contains("'shape': (3, 3)"))
        let values = stride(from: 0, to: data.count, by: 4).map { offset -> Float in
            let start = data.startIndex + offset
            let bits = UInt32(data[start]) | UInt32(data[start + 1]) << 8 | UInt32(data[start + 2]) << 16 | UInt32(data[start + 3]) << 24
            return Float(bitPattern: bits)
        }
        #expect(values == rows.flatMap { $0 })
    }

    @Test func uint16RowsAndAnEmptyFile() throws {
        let path = scratchPath("raw.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try NPYWriter(path: path, columnCount: 2, elementType: .uint16)
        try [UInt16(1), 0xFFFF].withUnsafeBufferPointer { try writer.append($0) }
        try writer.finish()
        let (header, data) = try parse(path)
        #expect(header.contains("'descr': '<u2'") && header.contains("'shape': (1, 2)"))
        #expect(Array(data) == [1, 0, 0xFF, 0xFF])

        let emptyPath = scratchPath("empty.npy")
        defer { try? FileManager.default.removeItem(atPath: emptyPath) }
        let empty = try NPYWriter(path: emptyPath, columnCount: 40, elementType: .float32)
        try empty.finish()
        #expect(try parse(emptyPath).header.contains("'shape': (0, 40)"))
    }

    @Test func anUnwritablePathIsAClearError() {
        #expect {
            try NPYWriter(path: "/nonexistent-dir/out.npy", columnCount: 40, elementType: .float32)
        } throws: { error in
            "\(error)".contains("/nonexistent-dir/out.npy") && "\(error)".contains("cannot create")
        }
    }
}
