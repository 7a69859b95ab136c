import Foundation
import Testing

@testable import EarshotInference

/// Int8 operators against outputs of TFLite's reference kernels (`ai-edge-litert`,
/// `OpResolverType.BUILTIN_REF`) on the same one-operator models, bit for bit.
///
/// The models are built here; `scripts/inference/generate_int8_ops_reference.py` runs the
/// bytes this suite writes (set `EARSHOT_DUMP_INT8_MODELS` to a folder and run
/// `dumpModels`) and stores inputs and expected outputs in `Fixtures/int8-ops.bin`.
@Suite struct Int8OperatorReferenceTests {
    struct SoftmaxCase {
        var inputScale: Float
        var inputZeroPoint: Int64
        var beta: Float
        var shape: [Int]
    }

    /// Scales, zero points and betas from the everyday (scale near 1/16, beta 1) to the
    /// extremes: a multiplier `beta * scale * 2^26` clamped at 2^31 - 1, tiny products where
    /// every difference survives, depth 1, and wide rows.
    static let softmaxCases: [SoftmaxCase] = [
        .init(inputScale: 1.0 / 16, inputZeroPoint: 0, beta: 1, shape: [4, 8]),
        .init(inputScale: 0.1, inputZeroPoint: 5, beta: 1, shape: [2, 3, 5]),
        .init(inputScale: 0.25, inputZeroPoint: -20, beta: 0.5, shape: [6, 10]),
        .init(inputScale: 0.0390625, inputZeroPoint: 127, beta: 2, shape: [3, 16]),
        .init(inputScale: 1, inputZeroPoint: 0, beta: 1, shape: [4, 6]),
        .init(inputScale: 1, inputZeroPoint: 0, beta: 100, shape: [4, 6]),
        .init(inputScale: 0.5, inputZeroPoint: -128, beta: 10, shape: [5, 7]),
        .init(inputScale: 0.001, inputZeroPoint: 3, beta: 1, shape: [4, 12]),
        .init(inputScale: 1e-6, inputZeroPoint: 0, beta: 1, shape: [2, 9]),
        .init(inputScale: 0.0123, inputZeroPoint: -7, beta: 1.7, shape: [3, 1]),
        .init(inputScale: 0.07, inputZeroPoint: 11, beta: 1, shape: [2, 300]),
        .init(inputScale: 0.2, inputZeroPoint: 0, beta: 0.05, shape: [1, 2, 2, 20]),
    ]

    /// `BuiltinOptions` union members.
    static let softmaxOptionsType: UInt8 = 9
    static let reducerOptionsType: UInt8 = 27

    static func softmaxModel(_ c: SoftmaxCase) -> TestModel {
        TestModel(
            tensors: [
                .int8(c.shape, scale: [c.inputScale], zeroPoint: [c.inputZeroPoint]),
                .int8(c.shape, scale: [1.0 / 256], zeroPoint: [-128]),
            ],
            inputs: [0], outputs: [1],
            operators: [
                .init(opcode: .softmax, inputs: [0], outputs: [1], options: [(0, .float32(c.beta))], optionsType: softmaxOptionsType)
            ])
    }

    static func models() -> [(name: String, model: TestModel)] {
        softmaxCases.enumerated().map { (String(format: "softmax-%02d", $0.offset), softmaxModel($0.element)) }
    }

    /// Writes the models for the generator when `EARSHOT_DUMP_INT8_MODELS` names a folder.
    @Test func dumpModels() throws {
        guard let folder = ProcessInfo.processInfo.environment["EARSHOT_DUMP_INT8_MODELS"] else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, model) in Self.models() {
            try Data(model.bytes()).write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).tflite"))
        }
    }

    /// Each model's input and expected output, in model order.
    @Test func matchesReferenceKernels() throws {
        let records = try FixtureFiles.records("int8-ops.bin")
        let models = Self.models()
        #expect(records.count == 2 * models.count)
        for (i, (name, model)) in models.enumerated() where 2 * i + 1 < records.count {
            let input = records[2 * i], expected = records[2 * i + 1]
            let interpreter = try model.interpreter()
            try interpreter.setInput(0, int8: input.data.map { Int8(bitPattern: $0) })
            try interpreter.invoke()
            let actual = try interpreter.outputBytes(0)
            let mismatches = zip(actual, expected.data).enumerated().filter { $0.element.0 != $0.element.1 }
            #expect(actual.count == expected.data.count, "\(name)")
            #expect(
                mismatches.isEmpty,
                "\(name): \(mismatches.count) of \(actual.count) differ, first at \(mismatches.first.map { "\($0.offset): \(Int8(bitPattern: $0.element.0)) vs \(Int8(bitPattern: $0.element.1))" } ?? "")"
            )
        }
    }

    @Test func int8SoftmaxRejectsOtherOutputQuantization() throws {
        let model = TestModel(
            tensors: [.int8([1, 4], scale: [0.1]), .int8([1, 4], scale: [0.1], zeroPoint: [0])], inputs: [0], outputs: [1],
            operators: [.init(opcode: .softmax, inputs: [0], outputs: [1], options: [(0, .float32(1))])])
        #expect(throws: (any Error).self) { try model.interpreter() }
    }
}
