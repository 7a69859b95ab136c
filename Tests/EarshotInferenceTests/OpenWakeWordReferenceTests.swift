import Foundation
import Testing

@testable import EarshotInference

/// The openWakeWord float models against LiteRT's reference kernels on real inputs.
/// Tolerance: `|ours - ref| <= 1e-5 * |ref| + 1e-5 * max|ref|` per output tensor (the
/// absolute floor keeps near-zero values, where cancellation makes a relative bound
/// meaningless, from failing on float summation order).
@Suite struct OpenWakeWordReferenceTests {
    static let models = [
        "melspectrogram", "embedding_model", "alexa_v0.1", "hey_jarvis_v0.1", "hey_mycroft_v0.1", "hey_rhasspy_v0.1",
        "ok_nabu_v0.1",
    ]

    static func worstError(_ ours: [Float], _ reference: [Float]) -> (ratio: Float, index: Int) {
        let floor = 1e-5 * (reference.map { abs($0) }.max() ?? 0)
        var worst: (Float, Int) = (0, -1)
        for i in reference.indices {
            let allowed = 1e-5 * abs(reference[i]) + floor
            let error = abs(ours[i] - reference[i])
            let ratio = allowed > 0 ? error / allowed : (error == 0 ? 0 : .infinity)
            if !(ratio <= worst.0) { worst = (ratio, i) }
        }
        return worst
    }

    @Test(arguments: models)
    func outputsMatchWithinTolerance(_ name: String) throws {
        let model = try TFLiteModel(contentsOf: try FixtureFiles.referenceModel("openwakeword/\(name).tflite"))
        let interpreter = try Interpreter(model: model)
        let records = try FixtureFiles.records("openwakeword-\(name).bin")
        #expect(records.count >= 2 && records.count % 2 == 0)
        for case let pair in stride(from: 0, to: records.count, by: 2) {
            let input = records[pair]
            let expected = records[pair + 1]
            if try interpreter.input(0).shape != input.shape {
                try interpreter.resizeInput(0, shape: input.shape)
            }
            try input.data.withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
            try interpreter.invoke()
            let shape = try interpreter.output(0).shape
            #expect(
                shape.reduce(1, *) == expected.elementCount, "\(name) case \(pair / 2): output shape \(shape), expected \(expected.shape)")
            let ours = try interpreter.outputFloats(0)
            guard ours.count == expected.elementCount else { continue }
            let (ratio, index) = Self.worstError(ours, expected.floats)
            #expect(
                ratio <= 1,
                "\(name) case \(pair / 2): element \(index) is \(index >= 0 ? ours[index] : 0), reference \(index >= 0 ? expected.floats[index] : 0) (\(ratio)x the tolerance)"
            )
        }
    }
}
