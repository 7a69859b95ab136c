import EarshotAudio
import EarshotFeatures
import Foundation
import Testing

@testable import EarshotInference

/// Our frontend + our interpreter + microWakeWord's detection rule, as pymicro-wakeword 2.5.0
/// applies it, must fire on exactly the feature frames pymicro-wakeword fires on.
///
/// The rule (pymicro-wakeword's `MicroWakeWord.process_streaming`): every 3 frames the model
/// runs on `round(feature / scale + zero_point)` (NumPy rounds halves to even); the output is
/// dequantized in float32; once `sliding_window_size` probabilities are collected, it fires
/// when their mean is strictly greater than `probability_cutoff` (the JSON's values).
///
/// Fixture: `Fixtures/microwakeword-detections-reference.txt` (scripts/inference/
/// generate_reference.py), on real speech from ../shared/data and the synthesized wake
/// phrases of EarshotEdgeTests (which do fire). Each line holds two answers: pymicro-wakeword
/// 2.5.0 itself, and the same rule with the model on LiteRT's reference kernels. The two
/// differ on a few runs (2 of 184), because the runtime pymicro-wakeword ships uses TFLite's
/// optimized int8 kernels, which round differently from the reference ones (see
/// Fixtures/README.md). With its default arithmetic EarshotInference must match the reference
/// column on every run; with ``RequantizationRounding/liteRTOptimized`` (what the edge agent
/// runs) it must match pymicro-wakeword itself on every run.
@Suite struct EndToEndDetectionTests {
    struct Case {
        var model: String
        var recording: URL
        var pymicroWakeword: [Int]
        var referenceKernels: [Int]
    }

    static let sharedData = FixtureFiles.repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    static func cases(_ file: URL) throws -> [Case] {
        func frames(_ field: Substring) -> [Int] { field == "-" ? [] : field.split(separator: ",").map { Int($0)! } }
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") || line.isEmpty { return nil }
            let parts = line.split(separator: " ")
            guard parts.count == 4 else { throw FixtureFiles.Missing(description: "bad line in \(file.path): \(line)") }
            let path = String(parts[1])
            let recording: URL
            if path.hasPrefix("@data/") {
                recording = sharedData.appendingPathComponent(String(path.dropFirst(6)))
            } else if path.hasPrefix("@repo/") {
                recording = FixtureFiles.repositoryRoot.appendingPathComponent(String(path.dropFirst(6)))
            } else {
                throw FixtureFiles.Missing(description: "bad recording \(path) in \(file.path)")
            }
            return Case(
                model: String(parts[0]), recording: recording, pymicroWakeword: frames(parts[2]), referenceKernels: frames(parts[3]))
        }
    }

    struct Manifest: Decodable {
        struct Micro: Decodable {
            var probability_cutoff: Double
            var sliding_window_size: Int
        }
        var micro: Micro
    }

    static func firingFrames(model name: String, samples: [Int16], rounding: RequantizationRounding) throws -> [Int] {
        let manifestURL = try FixtureFiles.referenceModel("microwakeword/\(name).json")
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: manifestURL))
        let interpreter = try Interpreter(
            model: try TFLiteModel(contentsOf: try FixtureFiles.referenceModel("microwakeword/\(name).tflite")),
            options: .init(rounding: rounding))
        let input = try interpreter.input(0)
        let output = try interpreter.output(0)
        let stride = input.shape[1]
        let channels = input.shape[2]
        let scale = Double(input.quantization!.scale)
        let zeroPoint = Double(input.quantization!.zeroPoint)
        let frontend = try FeatureFrontend()
        var window = [Int8](repeating: 0, count: stride * channels)
        var buffered = 0
        var probabilities: [Double] = []
        var fired: [Int] = []
        for (index, frame) in frontend.process(samples).enumerated() {
            for c in 0..<channels {
                let q = (Double(frame.features[c]) / scale + zeroPoint).rounded(.toNearestOrEven)
                window[buffered * channels + c] = Int8(max(-128, min(127, q)))
            }
            buffered += 1
            guard buffered == stride else { continue }
            buffered = 0
            try interpreter.setInput(0, int8: window)
            try interpreter.invoke()
            let raw = try interpreter.outputBytes(0)[0]
            let value = output.type == .int8 ? Float(Int8(bitPattern: raw)) : Float(raw)
            let probability = (value - Float(output.quantization!.zeroPoint)) * output.quantization!.scale
            probabilities.append(Double(probability))
            if probabilities.count > manifest.micro.sliding_window_size { probabilities.removeFirst() }
            guard probabilities.count == manifest.micro.sliding_window_size else { continue }
            let mean = probabilities.reduce(0, +) / Double(probabilities.count)
            if mean > manifest.micro.probability_cutoff { fired.append(index) }
        }
        return fired
    }

    @Test func firesOnTheSameFramesAsTheReferenceRule() throws {
        guard FileManager.default.fileExists(atPath: Self.sharedData.path) else {
            throw FixtureFiles.Missing(
                description: "recordings missing: \(Self.sharedData.path) (the shared data folder beside the repository)")
        }
        let all = try Self.cases(try FixtureFiles.fixture("microwakeword-detections-reference.txt"))
        var firings = 0
        var mismatches: [String] = []
        var differFromPymicro = 0
        for c in all {
            let samples = try AudioFileReader.readAll(path: c.recording.path)
            let ours = try Self.firingFrames(model: c.model, samples: samples, rounding: .liteRT)
            firings += ours.count
            if ours != c.referenceKernels {
                mismatches.append("\(c.model) \(c.recording.lastPathComponent): ours \(ours), reference \(c.referenceKernels)")
            }
            if ours != c.pymicroWakeword { differFromPymicro += 1 }
        }
        #expect(all.count == 184)
        #expect(firings > 100, "the recordings should make the models fire")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(all.count) runs differ: \(mismatches.prefix(5).joined(separator: "; "))")
        // Only where pymicro-wakeword's optimized runtime itself departs from the reference kernels.
        let runtimeDifferences = all.filter { $0.pymicroWakeword != $0.referenceKernels }.count
        #expect(differFromPymicro == runtimeDifferences)
        #expect(runtimeDifferences <= 2)
    }

    @Test func firesOnExactlyPymicroWakewordsFramesWithItsRuntimesArithmetic() throws {
        guard FileManager.default.fileExists(atPath: Self.sharedData.path) else {
            throw FixtureFiles.Missing(
                description: "recordings missing: \(Self.sharedData.path) (the shared data folder beside the repository)")
        }
        let all = try Self.cases(try FixtureFiles.fixture("microwakeword-detections-reference.txt"))
        var firings = 0
        var mismatches: [String] = []
        for c in all {
            let samples = try AudioFileReader.readAll(path: c.recording.path)
            let ours = try Self.firingFrames(model: c.model, samples: samples, rounding: .liteRTOptimized)
            firings += ours.count
            if ours != c.pymicroWakeword {
                mismatches.append("\(c.model) \(c.recording.lastPathComponent): ours \(ours), pymicro-wakeword \(c.pymicroWakeword)")
            }
        }
        #expect(all.count == 184)
        #expect(firings > 100, "the recordings should make the models fire")
        // The runs where pymicro-wakeword departs from the reference kernels are among them.
        #expect(all.contains { $0.pymicroWakeword != $0.referenceKernels })
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(all.count) runs differ: \(mismatches.prefix(5).joined(separator: "; "))")
    }
}
