import Foundation
import Testing

@testable import EarshotInference

/// Locates the repository, the reference models and the fixtures from this file's path.
enum FixtureFiles {
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let fixtures = repositoryRoot.appendingPathComponent("Tests/EarshotInferenceTests/Fixtures")
    static let referenceModels = repositoryRoot.appendingPathComponent("reference-models")

    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// A reference model; fails (never skips) when it has not been fetched.
    static func referenceModel(_ relativePath: String) throws -> URL {
        let url = referenceModels.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "reference model \(url.path) is missing: run scripts/fetch-reference-models.sh")
        }
        return url
    }

    static func fixture(_ name: String) throws -> URL {
        let url = fixtures.appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw Missing(description: "fixture \(url.path) is missing: run scripts/inference/generate_reference.py")
        }
        return url
    }

    /// A tensor record of the fixture container (Fixtures/README.md).
    struct Record {
        var type: TensorType
        var shape: [Int]
        var data: [UInt8]

        var elementCount: Int { shape.reduce(1, *) }

        var floats: [Float] {
            data.withUnsafeBytes { raw in
                (0..<elementCount).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian) }
            }
        }
    }

    static func records(_ name: String) throws -> [Record] {
        let bytes = [UInt8](try Data(contentsOf: try fixture(name)))
        var at = 0
        func u32() throws -> Int {
            guard at + 4 <= bytes.count else { throw Missing(description: "fixture \(name) is truncated") }
            defer { at += 4 }
            return Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
        }
        guard bytes.starts(with: Array("ERF1".utf8)) else { throw Missing(description: "fixture \(name) has no ERF1 header") }
        at = 4
        let count = try u32()
        var result: [Record] = []
        for _ in 0..<count {
            guard at + 4 <= bytes.count, let type = TensorType(rawValue: bytes[at]) else {
                throw Missing(description: "fixture \(name): bad record header")
            }
            let rank = Int(bytes[at + 1])
            at += 4
            var shape: [Int] = []
            for _ in 0..<rank { shape.append(try u32()) }
            let size = shape.reduce(1, *) * type.byteSize
            guard at + size <= bytes.count else { throw Missing(description: "fixture \(name) is truncated") }
            result.append(Record(type: type, shape: shape, data: Array(bytes[at..<(at + size)])))
            at += size
        }
        return result
    }
}
