import EarshotAudio
import Foundation

/// The golden fixtures written by scripts/features/generate_reference.py (format in
/// Fixtures/README.md), located next to this file through `#filePath`.
enum GoldenFixtures {
    static let fixturesDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // EarshotFeaturesTests
        .appendingPathComponent("Fixtures", isDirectory: true)

    /// `<repo>/../shared/data`, where the real recordings live (CI has shared/ beside the clone).
    static let dataDirectory =
        fixturesDirectory
        .deletingLastPathComponent()  // EarshotFeaturesTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repo root
        .deletingLastPathComponent()
        .appendingPathComponent("shared/data", isDirectory: true)

    struct Manifest: Decodable {
        var reference: String
        var channelCount: Int
        var featureScale: Float
        var cases: [Case]
        var longRun: LongRun
    }

    struct Case: Decodable, Sendable {
        var name: String
        var source: Source
        var sampleCount: Int
        var sampleHash: String
        var frameCount: Int
        var valuesFile: String
        var featuresFile: String?
    }

    struct Source: Decodable, Sendable {
        var kind: String
        var path: String?
        var file: String?
        var value: Int16?
        var count: Int?
        var period: Int?
        var high: Int16?
        var low: Int16?
        var seed: UInt64?
        var shift: Int?
    }

    struct LongRun: Decodable, Sendable {
        var sources: [String]
        var sampleCount: Int
        var sampleHash: String
        var frameCount: Int
        var frameHashesFile: String
        var tailFrameCount: Int
        var tailValuesFile: String
    }

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }

    static let manifest: Manifest = {
        let url = fixturesDirectory.appendingPathComponent("manifest.json")
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
        } catch {
            fatalError("cannot read \(url.path): \(error)")
        }
    }()

    static func testCase(named name: String) throws -> Case {
        guard let found = manifest.cases.first(where: { $0.name == name }) else {
            throw FixtureError(description: "no case \(name) in manifest.json")
        }
        return found
    }

    static func data(_ file: String) throws -> Data {
        try Data(contentsOf: fixturesDirectory.appendingPathComponent(file))
    }

    static func littleEndianUInt16s(_ file: String) throws -> [UInt16] {
        let bytes = try data(file)
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 2).map { UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
        }
    }

    static func littleEndianFloats(_ file: String) throws -> [Float] {
        let bytes = try data(file)
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 4).map {
                Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
            }
        }
    }

    static func littleEndianUInt64s(_ file: String) throws -> [UInt64] {
        let bytes = try data(file)
        return bytes.withUnsafeBytes { raw in
            (0..<bytes.count / 8).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
    }

    /// The input samples of a case, made or read exactly as the generator did, and checked
    /// against the hash the generator recorded.
    static func samples(for testCase: Case) throws -> [Int16] {
        let source = testCase.source
        let samples: [Int16]
        switch source.kind {
        case "wav":
            samples = try AudioFileReader.readAll(path: dataDirectory.appendingPathComponent(source.path ?? "").path)
        case "raw":
            let bytes = try data(source.file ?? "")
            samples = bytes.withUnsafeBytes { raw in
                (0..<bytes.count / 2).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 2, as: Int16.self)) }
            }
        case "constant":
            samples = Array(repeating: source.value ?? 0, count: source.count ?? 0)
        case "square":
            let period = source.period ?? 2
            samples = (0..<(source.count ?? 0)).map { $0 % period < period / 2 ? source.high ?? 0 : source.low ?? 0 }
        case "splitmix64":
            var generator = SplitMix64(seed: source.seed ?? 0)
            samples = (0..<(source.count ?? 0)).map { _ in
                Int16(truncatingIfNeeded: generator.next() >> 48) >> Int16(source.shift ?? 0)
            }
        default:
            throw FixtureError(description: "\(testCase.name): unknown source kind \(source.kind)")
        }
        try checkHash(of: samples, expected: testCase.sampleHash, what: testCase.name)
        return samples
    }

    /// The long run's input: all its recordings, concatenated in manifest order.
    static func longRunSamples() throws -> [Int16] {
        let run = manifest.longRun
        var samples: [Int16] = []
        samples.reserveCapacity(run.sampleCount)
        for path in run.sources {
            samples += try AudioFileReader.readAll(path: dataDirectory.appendingPathComponent(path).path)
        }
        try checkHash(of: samples, expected: run.sampleHash, what: "long run")
        return samples
    }

    private static func checkHash(of samples: [Int16], expected: String, what: String) throws {
        var hash = FNV1a64()
        for sample in samples { hash.append(UInt16(bitPattern: sample)) }
        let actual = String(hash.value, radix: 16).leftPadded(to: 16)
        guard actual == expected else {
            throw FixtureError(
                description: "\(what): input samples hash \(actual), the fixtures were made from \(expected); "
                    + "the recordings in \(dataDirectory.path) changed: rerun scripts/features/generate_reference.py")
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
