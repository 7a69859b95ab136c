import Foundation
import Testing

@testable import EarshotInference

/// Int8 operators against outputs of TFLite's reference kernels (`ai-edge-litert`,
/// `OpResolverType.BUILTIN_REF`) on the same one-operator models, bit for bit.
///
/// The models are built here; `scripts/inference/generate_int8_ops_reference.py` runs the
/// bytes this suite writes (set `EARSHOT_DUMP_INT8_MODELS` to a folder and run
/// `matchesReferenceKernels`, which writes them there first) and stores inputs and expected
/// outputs in `Fixtures/int8-ops.bin`.
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
    static let batchMatMulOptionsType: UInt8 = 101

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

    struct MeanCase {
        var shape: [Int]
        var axes: [Int32]
        var keepDims: Bool
        var inputScale: Float
        var inputZeroPoint: Int64
        var outputScale: Float
        var outputZeroPoint: Int64
    }

    /// Reductions over one, several and all axes (negative axes too), the 4D spatial mean,
    /// a reduced size of 1, and scale ratios from compressing to saturating.
    static let meanCases: [MeanCase] = [
        .init(shape: [2, 3, 4], axes: [1], keepDims: true, inputScale: 0.1, inputZeroPoint: 3, outputScale: 0.05, outputZeroPoint: -2),
        .init(shape: [2, 3, 4], axes: [0, 2], keepDims: false, inputScale: 0.02, inputZeroPoint: -9, outputScale: 0.3, outputZeroPoint: 10),
        .init(shape: [1, 5, 5, 8], axes: [1, 2], keepDims: true, inputScale: 0.05, inputZeroPoint: -128, outputScale: 0.05, outputZeroPoint: -128),
        .init(shape: [4, 7], axes: [-1], keepDims: false, inputScale: 1, inputZeroPoint: 0, outputScale: 0.01, outputZeroPoint: 0),
        .init(shape: [3, 33], axes: [0, 1], keepDims: true, inputScale: 0.0123, inputZeroPoint: 17, outputScale: 0.0071, outputZeroPoint: -5),
        .init(shape: [6, 1, 5], axes: [1], keepDims: false, inputScale: 0.2, inputZeroPoint: 1, outputScale: 0.15, outputZeroPoint: 4),
        .init(shape: [2, 600], axes: [1], keepDims: true, inputScale: 0.5, inputZeroPoint: 127, outputScale: 0.002, outputZeroPoint: 100),
        .init(shape: [1, 49, 3, 16], axes: [1, 2], keepDims: false, inputScale: 0.03, inputZeroPoint: -20, outputScale: 0.031, outputZeroPoint: -21),
    ]

    static func meanModel(_ c: MeanCase) -> TestModel {
        var outputShape: [Int] = []
        let axes = Set(c.axes.map { Int($0) < 0 ? Int($0) + c.shape.count : Int($0) })
        for (d, size) in c.shape.enumerated() {
            if axes.contains(d) {
                if c.keepDims { outputShape.append(1) }
            } else {
                outputShape.append(size)
            }
        }
        return TestModel(
            tensors: [
                .int8(c.shape, scale: [c.inputScale], zeroPoint: [c.inputZeroPoint]),
                .int32([c.axes.count], c.axes),
                .int8(outputShape, scale: [c.outputScale], zeroPoint: [c.outputZeroPoint]),
            ],
            inputs: [0], outputs: [2],
            operators: [
                .init(opcode: .mean, inputs: [0, 1], outputs: [2], options: [(0, .bool(c.keepDims))], optionsType: reducerOptionsType)
            ])
    }

    struct UnaryCase {
        var opcode: BuiltinOperator
        var inputScale: Float
        var inputZeroPoint: Int64
        var outputScale: Float
        var outputZeroPoint: Int64
    }

    /// LOG and RSQRT over every int8 value (the ramp row), LOG including zero and negative
    /// inputs, and outputs that saturate.
    static let unaryCases: [UnaryCase] = [
        .init(opcode: .log, inputScale: 0.05, inputZeroPoint: -128, outputScale: 0.03, outputZeroPoint: 20),
        .init(opcode: .log, inputScale: 0.1, inputZeroPoint: 0, outputScale: 0.05, outputZeroPoint: 0),
        .init(opcode: .log, inputScale: 1, inputZeroPoint: -100, outputScale: 0.02, outputZeroPoint: -128),
        // RSQRT fails on values below the zero point, so its zero points are -128.
        .init(opcode: .rsqrt, inputScale: 0.01, inputZeroPoint: -128, outputScale: 0.05, outputZeroPoint: -128),
        .init(opcode: .rsqrt, inputScale: 0.1, inputZeroPoint: -128, outputScale: 0.02, outputZeroPoint: 0),
        .init(opcode: .rsqrt, inputScale: 3, inputZeroPoint: -128, outputScale: 0.004, outputZeroPoint: -128),
        .init(opcode: .rsqrt, inputScale: 0.0004, inputZeroPoint: -128, outputScale: 0.9, outputZeroPoint: -60),
    ]

    static func unaryModel(_ c: UnaryCase) -> TestModel {
        TestModel(
            tensors: [
                .int8([6, 256], scale: [c.inputScale], zeroPoint: [c.inputZeroPoint]),
                .int8([6, 256], scale: [c.outputScale], zeroPoint: [c.outputZeroPoint]),
            ],
            inputs: [0], outputs: [1], operators: [.init(opcode: c.opcode, inputs: [0], outputs: [1])])
    }

    struct MatMulCase {
        var lhsShape: [Int]
        var rhsShape: [Int]
        var adjX = false
        var adjY = false
        var lhsScale: Float
        var lhsZeroPoint: Int64
        var rhsScale: Float
        var rhsZeroPoint: Int64
        var outputScale: Float
        var outputZeroPoint: Int64
    }

    /// Constant right operands; plain, adjoint and batch-broadcast products, with zero points
    /// on both sides and outputs that saturate.
    static let matMulCases: [MatMulCase] = [
        .init(lhsShape: [2, 3, 4], rhsShape: [4, 5], lhsScale: 0.05, lhsZeroPoint: 3, rhsScale: 0.02, rhsZeroPoint: 0, outputScale: 0.1, outputZeroPoint: -4),
        .init(lhsShape: [2, 3, 4], rhsShape: [2, 5, 4], adjY: true, lhsScale: 0.1, lhsZeroPoint: -10, rhsScale: 0.03, rhsZeroPoint: 7, outputScale: 0.05, outputZeroPoint: 12),
        .init(lhsShape: [1, 4, 3], rhsShape: [3, 4, 6], adjX: true, lhsScale: 0.5, lhsZeroPoint: 0, rhsScale: 0.25, rhsZeroPoint: -3, outputScale: 0.2, outputZeroPoint: 0),
        .init(lhsShape: [3, 16], rhsShape: [16, 8], lhsScale: 0.0123, lhsZeroPoint: -128, rhsScale: 0.0071, rhsZeroPoint: 1, outputScale: 0.0313, outputZeroPoint: -128),
    ]

    static func matMulModel(_ c: MatMulCase) -> TestModel {
        let (lr, lc) = (c.lhsShape[c.lhsShape.count - 2], c.lhsShape[c.lhsShape.count - 1])
        let (rr, rc) = (c.rhsShape[c.rhsShape.count - 2], c.rhsShape[c.rhsShape.count - 1])
        let m = c.adjX ? lc : lr
        let n = c.adjY ? rr : rc
        let lb = Array(c.lhsShape.dropLast(2)), rb = Array(c.rhsShape.dropLast(2))
        let rank = max(lb.count, rb.count)
        let lp = [Int](repeating: 1, count: rank - lb.count) + lb, rp = [Int](repeating: 1, count: rank - rb.count) + rb
        let batch = zip(lp, rp).map { max($0, $1) }
        let count = c.rhsShape.reduce(1, *)
        let rhsValues = (0..<count).map { Int8(truncatingIfNeeded: ($0 &* 73 &+ 29) % 256 - 128) }
        return TestModel(
            tensors: [
                .int8(c.lhsShape, scale: [c.lhsScale], zeroPoint: [c.lhsZeroPoint]),
                .int8(c.rhsShape, rhsValues, scale: [c.rhsScale], zeroPoint: [c.rhsZeroPoint]),
                .int8(batch + [m, n], scale: [c.outputScale], zeroPoint: [c.outputZeroPoint]),
            ],
            inputs: [0], outputs: [2],
            operators: [
                .init(
                    opcode: .batchMatMul, inputs: [0, 1], outputs: [2], options: [(0, .bool(c.adjX)), (1, .bool(c.adjY))],
                    optionsType: batchMatMulOptionsType)
            ])
    }

    /// Every model, in name order (the order the generator writes the fixture in).
    static func models() -> [(name: String, model: TestModel)] {
        let softmax = softmaxCases.enumerated().map { (String(format: "softmax-%02d", $0.offset), softmaxModel($0.element)) }
        let mean = meanCases.enumerated().map { (String(format: "mean-%02d", $0.offset), meanModel($0.element)) }
        let unary = unaryCases.enumerated().map { (String(format: "\($0.element.opcode == .log ? "log" : "rsqrt")-%02d", $0.offset), unaryModel($0.element)) }
        let matMul = matMulCases.enumerated().map { (String(format: "batch_matmul-%02d", $0.offset), matMulModel($0.element)) }
        return (softmax + mean + unary + matMul).sorted { $0.0 < $1.0 }
    }

    /// Writes the models for the generator when `EARSHOT_DUMP_INT8_MODELS` names a folder.
    private static func dumpModelsIfAsked(_ models: [(String, TestModel)]) throws {
        guard let folder = ProcessInfo.processInfo.environment["EARSHOT_DUMP_INT8_MODELS"] else { return }
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (name, model) in models {
            try Data(model.bytes()).write(to: URL(fileURLWithPath: folder).appendingPathComponent("\(name).tflite"))
        }
    }

    /// Each model's input and expected output, in model order.
    @Test func matchesReferenceKernels() throws {
        let models = Self.models()
        try Self.dumpModelsIfAsked(models)
        let records = try FixtureFiles.records("int8-ops.bin")
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

    @Test func int8RsqrtFailsOnNegativeValues() throws {
        let c = UnaryCase(opcode: .rsqrt, inputScale: 0.1, inputZeroPoint: 0, outputScale: 0.1, outputZeroPoint: 0)
        let interpreter = try Self.unaryModel(c).interpreter()
        try interpreter.setInput(0, int8: [Int8](repeating: 4, count: 6 * 256))
        try interpreter.invoke()
        try interpreter.setInput(0, int8: [Int8](repeating: -1, count: 6 * 256))
        #expect(throws: (any Error).self) { try interpreter.invoke() }
    }
}
