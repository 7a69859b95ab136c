import Foundation
import Testing

@testable import EarshotInference

/// The four int8 streaming microWakeWord models against TFLite: 4000 consecutive invocations
/// each, outputs bit-identical at every step — with the default arithmetic against the
/// reference kernels, and with ``RequantizationRounding/liteRTOptimized`` against the
/// optimized kernels of the `libtensorflowlite_c.so` that pymicro-wakeword ships (which
/// differ from the reference on 12 to 381 of these steps).
@Suite struct MicroWakeWordReferenceTests {
    static let models = ["alexa", "hey_jarvis", "hey_mycroft", "okay_nabu"]
    static let runtimes: [(rounding: RequantizationRounding, fixtureSuffix: String)] = [
        (.liteRT, "outputs"), (.liteRTOptimized, "optimized-outputs"),
    ]

    @Test(arguments: models, [0, 1])
    func outputsAreBitIdenticalAtEveryStep(_ name: String, runtime: Int) throws {
        let (rounding, suffix) = Self.runtimes[runtime]
        let model = try TFLiteModel(contentsOf: try FixtureFiles.referenceModel("microwakeword/\(name).tflite"))
        let interpreter = try Interpreter(model: model, options: .init(rounding: rounding))
        let inputs = try FixtureFiles.records("microwakeword-inputs.bin")[0]
        let expected = try FixtureFiles.records("microwakeword-\(name)-\(suffix).bin")[0]
        let steps = inputs.shape[0]
        let stepBytes = inputs.elementCount / steps
        #expect(try interpreter.input(0).byteCount == stepBytes)
        #expect(try interpreter.output(0).type == .uint8)
        var mismatches: [String] = []
        for step in 0..<steps {
            try inputs.data[(step * stepBytes)..<((step + 1) * stepBytes)].withUnsafeBytes {
                try interpreter.setInput(0, bytes: $0)
            }
            try interpreter.invoke()
            let got = try interpreter.outputBytes(0)[0]
            if got != expected.data[step], mismatches.count < 10 {
                mismatches.append("step \(step): got \(got), expected \(expected.data[step])")
            }
        }
        #expect(mismatches.isEmpty, "\(name) (\(rounding)): \(mismatches.joined(separator: "; "))")
    }

    @Test func resetVariablesRestartsTheStream() throws {
        let model = try TFLiteModel(contentsOf: try FixtureFiles.referenceModel("microwakeword/okay_nabu.tflite"))
        let interpreter = try Interpreter(model: model)
        let inputs = try FixtureFiles.records("microwakeword-inputs.bin")[0]
        let expected = try FixtureFiles.records("microwakeword-okay_nabu-outputs.bin")[0]
        let stepBytes = 120
        func run(_ steps: Range<Int>) throws -> [UInt8] {
            try steps.map { step in
                try inputs.data[(step * stepBytes)..<((step + 1) * stepBytes)].withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
                try interpreter.invoke()
                return try interpreter.outputBytes(0)[0]
            }
        }
        let first = try run(0..<300)
        #expect(first == Array(expected.data[0..<300]))
        interpreter.resetVariables()
        let again = try run(0..<300)
        #expect(again == first)
    }
}
