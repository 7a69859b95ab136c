import Foundation
import Testing

@testable import EarshotInference

/// Each operator on small hand-computed cases, against TFLite's reference formulas.
@Suite struct OperatorTests {
    typealias T = TestModel.Tensor
    typealias Op = TestModel.Operator
    static let valid: FlatBufferField = .uint8(1)
    static let same: FlatBufferField = .uint8(0)

    // MARK: Convolutions

    @Test func conv2DInt8PerChannelValid() throws {
        // input real = 0.5 * (q + 1) = [1, 2, 3, 4]; filters real [1] and [-1]; bias real [1, 0].
        let model = TestModel(
            tensors: [
                .int8([1, 2, 2, 1], scale: [0.5], zeroPoint: [-1]),
                .int8([2, 1, 1, 1], [4, -2], scale: [0.25, 0.5], dimension: 0),
                .int32([2], [8, 0]),
                .int8([1, 2, 2, 2], scale: [1], zeroPoint: [3]),
            ], inputs: [0], outputs: [3],
            operators: [Op(opcode: .conv2D, inputs: [0, 1, 2], outputs: [3], options: [(0, Self.valid), (1, .int32(1)), (2, .int32(1))])])
        let interpreter = try model.interpreter()
        #expect(try interpreter.run(int8: [[1, 3, 5, 7]]) == [5, 2, 6, 1, 7, 0, 8, -1])
    }

    @Test func conv2DInt8ReluClampsAtTheZeroPoint() throws {
        let model = TestModel(
            tensors: [
                .int8([1, 2, 2, 1], scale: [0.5], zeroPoint: [-1]),
                .int8([2, 1, 1, 1], [4, -2], scale: [0.25, 0.5]),
                .int32([2], [8, 0]),
                .int8([1, 2, 2, 2], scale: [1], zeroPoint: [3]),
            ], inputs: [0], outputs: [3],
            operators: [
                Op(
                    opcode: .conv2D, inputs: [0, 1, 2], outputs: [3],
                    options: [(0, Self.valid), (1, .int32(1)), (2, .int32(1)), (3, .int8(1))])
            ])
        #expect(try model.interpreter().run(int8: [[1, 3, 5, 7]]) == [5, 3, 6, 3, 7, 3, 8, 3])
    }

    @Test func conv2DSamePaddingSkipsPaddedTaps() throws {
        // 2x2 all-ones filter over [[1, 2], [3, 4]], SAME: windows at the bottom/right edges
        // see fewer taps. The int8 input has zero point 1, which padding must not contribute.
        let float = TestModel(
            tensors: [.float([1, 2, 2, 1]), .float([1, 2, 2, 1], [1, 1, 1, 1]), .float([1], [0.5]), .float([1, 2, 2, 1])],
            inputs: [0], outputs: [3],
            operators: [Op(opcode: .conv2D, inputs: [0, 1, 2], outputs: [3], options: [(0, Self.same), (1, .int32(1)), (2, .int32(1))])])
        #expect(try float.interpreter().run(float: [[1, 2, 3, 4]]) == [10.5, 6.5, 7.5, 4.5])
        let int8 = TestModel(
            tensors: [
                .int8([1, 2, 2, 1], scale: [1], zeroPoint: [1]), .int8([1, 2, 2, 1], [1, 1, 1, 1], scale: [1]),
                .int8([1, 2, 2, 1], scale: [1]),
            ], inputs: [0], outputs: [2],
            operators: [Op(opcode: .conv2D, inputs: [0, 1], outputs: [2], options: [(0, Self.same), (1, .int32(1)), (2, .int32(1))])])
        #expect(try int8.interpreter().run(int8: [[2, 3, 4, 5]]) == [10, 6, 7, 4])
    }

    @Test func depthwiseConv2DInt8() throws {
        // Channel 0 sums 1 + 3 + 5; channel 1: filter 2 at scale 0.5 over 2 + 4 + 6.
        let model = TestModel(
            tensors: [
                .int8([1, 3, 1, 2], scale: [1]), .int8([1, 3, 1, 2], [1, 2, 1, 2, 1, 2], scale: [1, 0.5], dimension: 3),
                .int8([1, 1, 1, 2], scale: [1]),
            ], inputs: [0], outputs: [2],
            operators: [
                Op(
                    opcode: .depthwiseConv2D, inputs: [0, 1], outputs: [2],
                    options: [(0, Self.valid), (1, .int32(1)), (2, .int32(1)), (3, .int32(1))])
            ])
        #expect(try model.interpreter().run(int8: [[1, 2, 3, 4, 5, 6]]) == [9, 12])
        // Depth multiplier 2 (the general path): one input channel, two outputs.
        let multiplied = TestModel(
            tensors: [
                .int8([1, 1, 1, 1], scale: [1]), .int8([1, 1, 1, 2], [2, -1], scale: [1, 1], dimension: 3),
                .int8([1, 1, 1, 2], scale: [1]),
            ],
            inputs: [0], outputs: [2],
            operators: [
                Op(
                    opcode: .depthwiseConv2D, inputs: [0, 1], outputs: [2],
                    options: [(0, Self.valid), (1, .int32(1)), (2, .int32(1)), (3, .int32(2))])
            ])
        #expect(try multiplied.interpreter().run(int8: [[3]]) == [6, -3])
    }

    @Test func windowTapsAreTheTapsThatReadInsideTheInput() {
        // Every window loop walks ConvGeometry.taps instead of testing each tap; it must be
        // exactly the taps whose input index lies in 0..<inputSize, for any origin and dilation.
        for inputSize in 0...7 {
            for filterSize in 1...5 {
                for dilation in 1...3 {
                    for origin in -9...9 {
                        let expected = (0..<filterSize).filter { (0..<inputSize).contains(origin + dilation * $0) }
                        let taps = ConvGeometry.taps(from: origin, dilation: dilation, filterSize: filterSize, inputSize: inputSize)
                        #expect(Array(taps) == expected, "origin \(origin) dilation \(dilation) filter \(filterSize) input \(inputSize)")
                    }
                }
            }
        }
    }

    @Test func paddedDepthwiseEqualsPadThenValid() throws {
        // "same" padding skips the taps that fall outside the input; padding the input with its
        // zero point first and convolving "valid" must give the same bytes. 20 channels with
        // per-channel scales (a group of eight plus a remainder), stride 2, a bias, an input zero
        // point; random values from a fixed generator.
        var random = ModelMutationTests.Generator(state: 7)
        let (height, channels, taps) = (13, 20, 5)
        let filter = (0..<(taps * channels)).map { _ in Int8(truncatingIfNeeded: random.next()) }
        let bias = (0..<channels).map { _ in Int32(truncatingIfNeeded: random.next() % 2001) - 1000 }
        let scales = (0..<channels).map { Float(0.01 + 0.003 * Double($0)) }
        func model(padded: Bool) -> TestModel {
            let output = TestModel.Tensor.int8([1, 7, 1, channels], scale: [2], zeroPoint: [-3])
            let weights = TestModel.Tensor.int8([1, taps, 1, channels], filter, scale: scales, dimension: 3)
            let options: [(Int, FlatBufferField)] = [(0, padded ? Self.valid : Self.same), (1, .int32(1)), (2, .int32(2)), (3, .int32(1))]
            if padded {
                return TestModel(
                    tensors: [
                        .int8([1, height, 1, channels], scale: [0.5], zeroPoint: [11]), .int32([4, 2], [0, 0, 2, 2, 0, 0, 0, 0]),
                        .int8([1, height + 4, 1, channels], scale: [0.5], zeroPoint: [11]), weights, .int32([channels], bias), output,
                    ],
                    inputs: [0], outputs: [5],
                    operators: [
                        Op(opcode: .pad, inputs: [0, 1], outputs: [2]),
                        Op(opcode: .depthwiseConv2D, inputs: [2, 3, 4], outputs: [5], options: options),
                    ])
            }
            return TestModel(
                tensors: [.int8([1, height, 1, channels], scale: [0.5], zeroPoint: [11]), weights, .int32([channels], bias), output],
                inputs: [0], outputs: [3],
                operators: [Op(opcode: .depthwiseConv2D, inputs: [0, 1, 2], outputs: [3], options: options)])
        }
        for rounding in [RequantizationRounding.liteRT, .liteRTOptimized, .double] {
            let same = try model(padded: false).interpreter(rounding: rounding)
            let padThenValid = try model(padded: true).interpreter(rounding: rounding)
            for _ in 0..<5 {
                let input = (0..<(height * channels)).map { _ in Int8(truncatingIfNeeded: random.next()) }
                let expected = try padThenValid.run(int8: [input])
                #expect(try same.run(int8: [input]) == expected, "\(rounding)")
                #expect(Set(expected).count > 10, "the outputs should vary")
            }
        }
    }

    @Test func fullyConnected() throws {
        // real: [1, 2, 3] x [[1, 1, 1], [-1, 0, 1]] + [1, 0] = [7, 2]; output scale 0.5, zero point 10.
        let int8 = TestModel(
            tensors: [
                .int8([1, 3], scale: [0.5]), .int8([2, 3], [2, 2, 2, -2, 0, 2], scale: [0.5]), .int32([2], [4, 0]),
                .int8([1, 2], scale: [0.5], zeroPoint: [10]),
            ], inputs: [0], outputs: [3],
            operators: [Op(opcode: .fullyConnected, inputs: [0, 1, 2], outputs: [3], options: [(0, .int8(0))])])
        #expect(try int8.interpreter().run(int8: [[2, 4, 6]]) == [24, 14])
        let float = TestModel(
            tensors: [.float([1, 2]), .float([2, 2], [1, 1, 2, -1]), .float([2], [0.5, 0]), .float([1, 2])],
            inputs: [0], outputs: [3], operators: [Op(opcode: .fullyConnected, inputs: [0, 1, 2], outputs: [3])])
        #expect(try float.interpreter().run(float: [[1, 2]]) == [3.5, 0])
    }

    // MARK: Pools

    @Test func pools() throws {
        // Int8 average rounds half away from zero: 1.5 -> 2, -1.5 -> -2.
        let average = TestModel(
            tensors: [.int8([1, 1, 4, 1], scale: [1]), .int8([1, 1, 2, 1], scale: [1])], inputs: [0], outputs: [1],
            operators: [
                Op(
                    opcode: .averagePool2D, inputs: [0], outputs: [1],
                    options: [(0, Self.valid), (1, .int32(2)), (2, .int32(1)), (3, .int32(2)), (4, .int32(1))])
            ])
        #expect(try average.interpreter().run(int8: [[1, 2, -1, -2]]) == [2, -2])
        let maximum = TestModel(
            tensors: [.float([1, 1, 3, 1]), .float([1, 1, 3, 1])], inputs: [0], outputs: [1],
            operators: [
                Op(
                    opcode: .maxPool2D, inputs: [0], outputs: [1],
                    options: [(0, Self.same), (1, .int32(1)), (2, .int32(1)), (3, .int32(2)), (4, .int32(1))])
            ])
        #expect(try maximum.interpreter().run(float: [[1, 5, 2]]) == [5, 5, 2])
        let floatAverage = TestModel(
            tensors: [.float([1, 1, 3, 1]), .float([1, 1, 3, 1])], inputs: [0], outputs: [1],
            operators: [
                Op(
                    opcode: .averagePool2D, inputs: [0], outputs: [1],
                    options: [(0, Self.same), (1, .int32(1)), (2, .int32(1)), (3, .int32(2)), (4, .int32(1))])
            ])
        #expect(try floatAverage.interpreter().run(float: [[1, 5, 2]]) == [3, 3.5, 2])
    }

    // MARK: Shapes and data movement

    @Test func reshapeSqueezeExpandDims() throws {
        let reshape = TestModel(
            tensors: [.float([1, 2, 3]), .int32([2], [-1, 2]), .float([3, 2])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .reshape, inputs: [0, 1], outputs: [2])])
        let r = try reshape.interpreter()
        #expect(try r.run(float: [[1, 2, 3, 4, 5, 6]]) == [1, 2, 3, 4, 5, 6])
        #expect(try r.output(0).shape == [3, 2])
        let squeeze = TestModel(
            tensors: [.float([1, 2, 1, 3]), .float([2, 3])], inputs: [0], outputs: [1],
            operators: [Op(opcode: .squeeze, inputs: [0], outputs: [1], options: [(0, .object(.int32s([0, 2])))])])
        let s = try squeeze.interpreter()
        _ = try s.run(float: [[1, 2, 3, 4, 5, 6]])
        #expect(try s.output(0).shape == [2, 3])
        let expand = TestModel(
            tensors: [.float([2, 3]), .int32([], [-1]), .float([2, 3, 1])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .expandDims, inputs: [0, 1], outputs: [2])])
        let e = try expand.interpreter()
        _ = try e.run(float: [[1, 2, 3, 4, 5, 6]])
        #expect(try e.output(0).shape == [2, 3, 1])
    }

    @Test func transpose() throws {
        let model = TestModel(
            tensors: [.float([2, 3]), .int32([2], [1, 0]), .float([3, 2])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .transpose, inputs: [0, 1], outputs: [2])])
        #expect(try model.interpreter().run(float: [[1, 2, 3, 4, 5, 6]]) == [1, 4, 2, 5, 3, 6])
    }

    @Test func concatenation() throws {
        let model = TestModel(
            tensors: [.int8([2, 2], scale: [0.5]), .int8([2, 1], scale: [0.5]), .int8([2, 3], scale: [0.5])], inputs: [0, 1], outputs: [2],
            operators: [Op(opcode: .concatenation, inputs: [0, 1], outputs: [2], options: [(0, .int32(-1))])])
        #expect(try model.interpreter().run(int8: [[1, 2, 3, 4], [9, 8]]) == [1, 2, 9, 3, 4, 8])
        // Differing int8 quantization would need requantization, which TFLite forbids too.
        let mismatched = TestModel(
            tensors: [.int8([1, 1], scale: [0.5]), .int8([1, 1], scale: [0.25]), .int8([1, 2], scale: [0.5])], inputs: [0, 1], outputs: [2],
            operators: [Op(opcode: .concatenation, inputs: [0, 1], outputs: [2], options: [(0, .int32(1))])])
        #expect(throws: InferenceError.self) { try mismatched.interpreter() }
    }

    @Test func stridedSlice() throws {
        // Row 1 of [[0 1 2 3], [4 5 6 7]] backwards from the end, axis 0 shrunk: [7, 6, 5].
        let backwards = TestModel(
            tensors: [.float([2, 4]), .int32([2], [1, -1]), .int32([2], [2, 0]), .int32([2], [1, -1]), .float([3])],
            inputs: [0], outputs: [4],
            operators: [Op(opcode: .stridedSlice, inputs: [0, 1, 2, 3], outputs: [4], options: [(4, .int32(1))])])
        let b = try backwards.interpreter()
        #expect(try b.run(float: [[0, 1, 2, 3, 4, 5, 6, 7]]) == [7, 6, 5])
        #expect(try b.output(0).shape == [3])
        // Begin and end masks on axis 1 with stride 2: every other column of row 0.
        let masked = TestModel(
            tensors: [.float([2, 4]), .int32([2], [0, 3]), .int32([2], [1, 1]), .int32([2], [1, 2]), .float([1, 2])],
            inputs: [0], outputs: [4],
            operators: [Op(opcode: .stridedSlice, inputs: [0, 1, 2, 3], outputs: [4], options: [(0, .int32(2)), (1, .int32(2))])])
        #expect(try masked.interpreter().run(float: [[0, 1, 2, 3, 4, 5, 6, 7]]) == [0, 2])
    }

    @Test func splitV() throws {
        let model = TestModel(
            tensors: [.float([1, 5]), .int32([2], [2, -1]), .int32([], [1]), .float([1, 2]), .float([1, 3])],
            inputs: [0], outputs: [3, 4],
            operators: [Op(opcode: .splitV, inputs: [0, 1, 2], outputs: [3, 4], options: [(0, .int32(2))])])
        let interpreter = try model.interpreter()
        #expect(try interpreter.run(float: [[0, 1, 2, 3, 4]]) == [0, 1])
        #expect(try interpreter.outputFloats(1) == [2, 3, 4])
    }

    @Test func padFillsWithTheZeroPoint() throws {
        let model = TestModel(
            tensors: [
                .int8([1, 2], scale: [1], zeroPoint: [5]), .int32([2, 2], [0, 0, 1, 2]), .int8([1, 5], scale: [1], zeroPoint: [5]),
            ],
            inputs: [0], outputs: [2], operators: [Op(opcode: .pad, inputs: [0, 1], outputs: [2])])
        #expect(try model.interpreter().run(int8: [[1, 2]]) == [5, 1, 2, 5, 5])
    }

    // MARK: Element-wise

    @Test func floatBinaryOperatorsBroadcast() throws {
        func binary(_ op: BuiltinOperator, _ a: [Int], _ b: [Int], _ out: [Int], activation: Int8 = 0) -> TestModel {
            TestModel(
                tensors: [.float(a), .float(b), .float(out)], inputs: [0, 1], outputs: [2],
                operators: [Op(opcode: op, inputs: [0, 1], outputs: [2], options: [(0, .int8(activation))])])
        }
        #expect(
            try binary(.add, [2, 2], [2], [2, 2], activation: 1).interpreter().run(float: [[1, -5, 3, 4], [1, 1]]) == [2, 0, 4, 5])
        #expect(try binary(.sub, [3], [], [3]).interpreter().run(float: [[5, 6, 7], [2]]) == [3, 4, 5])
        #expect(try binary(.mul, [2, 1], [1, 3], [2, 3]).interpreter().run(float: [[1, 2], [1, 2, 3]]) == [1, 2, 3, 2, 4, 6])
        #expect(try binary(.maximum, [3], [], [3]).interpreter().run(float: [[1, 5, 3], [2]]) == [2, 5, 3])
        #expect(try binary(.minimum, [3], [], [3]).interpreter().run(float: [[1, 5, 3], [2]]) == [1, 2, 2])
        let ge = TestModel(
            tensors: [.float([3]), .float([1]), .bool([3])], inputs: [0, 1], outputs: [2],
            operators: [Op(opcode: .greaterEqual, inputs: [0, 1], outputs: [2])])
        let interpreter = try ge.interpreter()
        try interpreter.setInput(0, float: [1, 2, 3])
        try interpreter.setInput(1, float: [2])
        try interpreter.invoke()
        #expect(try interpreter.outputBytes(0) == [0, 1, 1])
    }

    @Test func int8AddSubMul() throws {
        // a = 0.5 * (q - 1), b likewise; ADD and SUB rescale both to 2 * max scale with a 20-bit shift.
        func binary(_ op: BuiltinOperator, outScale: Float) -> TestModel {
            TestModel(
                tensors: [
                    .int8([2], scale: [0.5], zeroPoint: [1]), .int8([2], scale: [0.5], zeroPoint: [1]), .int8([2], scale: [outScale]),
                ],
                inputs: [0, 1], outputs: [2], operators: [Op(opcode: op, inputs: [0, 1], outputs: [2])])
        }
        #expect(try binary(.add, outScale: 1).interpreter().run(int8: [[3, 5], [5, -1]]) == [3, 1])
        #expect(try binary(.sub, outScale: 1).interpreter().run(int8: [[3, 5], [5, -1]]) == [-1, 3])
        // MUL: (1 * 2, 2 * -1) = (2, -2) at output scale 0.25 -> (8, -8).
        #expect(try binary(.mul, outScale: 0.25).interpreter().run(int8: [[3, 5], [5, -1]]) == [8, -8])
    }

    @Test func reductions() throws {
        let mean = TestModel(
            tensors: [.float([2, 3]), .int32([1], [1]), .float([2])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .mean, inputs: [0, 1], outputs: [2], options: [(0, .bool(false))])])
        #expect(try mean.interpreter().run(float: [[1, 2, 3, 4, 5, 6]]) == [2, 5])
        let maximum = TestModel(
            tensors: [.float([2, 3]), .int32([1], [0]), .float([1, 3])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .reduceMax, inputs: [0, 1], outputs: [2], options: [(0, .bool(true))])])
        let m = try maximum.interpreter()
        #expect(try m.run(float: [[1, 9, 3, 4, 5, 6]]) == [4, 9, 6])
        #expect(try m.output(0).shape == [1, 3])
    }

    @Test func unaryOperators() throws {
        func unary(_ op: BuiltinOperator, options: [(Int, FlatBufferField)]? = nil) -> TestModel {
            TestModel(
                tensors: [.float([3]), .float([3])], inputs: [0], outputs: [1],
                operators: [Op(opcode: op, inputs: [0], outputs: [1], options: options)])
        }
        #expect(try unary(.leakyRelu, options: [(0, .float32(0.2))]).interpreter().run(float: [[-5, 0, 3]]) == [-1, 0, 3])
        #expect(try unary(.rsqrt).interpreter().run(float: [[4, 0.25, 1]]) == [0.5, 2, 1])
        let log = try unary(.log).interpreter().run(float: [[1, Float(M_E), 10]])
        #expect(log[0] == 0 && abs(log[1] - 1) < 1e-6 && abs(log[2] - 2.3025851) < 1e-6)
        let logistic = try unary(.logistic).interpreter().run(float: [[0, 20, -20]])
        #expect(logistic[0] == 0.5 && logistic[1] == 1 && logistic[2] == Float(exp(-20.0)))
    }

    @Test func int8LeakyReluAndLogistic() throws {
        let leaky = TestModel(
            tensors: [.int8([2], scale: [0.5]), .int8([2], scale: [0.5])], inputs: [0], outputs: [1],
            operators: [Op(opcode: .leakyRelu, inputs: [0], outputs: [1], options: [(0, .float32(0.5))])])
        #expect(try leaky.interpreter().run(int8: [[-4, 4]]) == [-2, 4])
        let logistic = TestModel(
            tensors: [.int8([3], scale: [0.1]), .int8([3], scale: [1.0 / 256], zeroPoint: [-128])], inputs: [0], outputs: [1],
            operators: [Op(opcode: .logistic, inputs: [0], outputs: [1])])
        #expect(try logistic.interpreter().run(int8: [[0, 127, -128]]) == [0, 127, -128])
    }

    @Test func quantizeAndDequantize() throws {
        let quantize = TestModel(
            tensors: [.float([4]), .int8([4], scale: [0.5], zeroPoint: [-1])], inputs: [0], outputs: [1],
            operators: [Op(opcode: .quantize, inputs: [0], outputs: [1])])
        // round(0.5) = 1, round(-0.5) = -1 (half away from zero), 200 clamps.
        let q = try quantize.interpreter()
        try q.setInput(0, float: [0.25, -0.25, 100, 1])
        try q.invoke()
        #expect(try q.outputBytes(0).map { Int8(bitPattern: $0) } == [0, -2, 127, 1])
        let dequantize = TestModel(
            tensors: [.int8([3], scale: [0.5], zeroPoint: [-1]), .float([3])], inputs: [0], outputs: [1],
            operators: [Op(opcode: .dequantize, inputs: [0], outputs: [1])])
        let d = try dequantize.interpreter()
        try d.setInput(0, int8: [0, -2, 127])
        try d.invoke()
        #expect(try d.outputFloats(0) == [0.5, -0.5, 64])
    }

    @Test func batchMatMulAndSoftmax() throws {
        let plain = TestModel(
            tensors: [.float([1, 2, 3]), .float([3, 2], [1, 0, 0, 1, 1, 1]), .float([1, 2, 2])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .batchMatMul, inputs: [0, 1], outputs: [2])])
        #expect(try plain.interpreter().run(float: [[1, 2, 3, 4, 5, 6]]) == [4, 5, 10, 11])
        let adjoint = TestModel(
            tensors: [.float([1, 3, 2]), .float([3, 2], [1, 0, 0, 1, 1, 1]), .float([1, 2, 2])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .batchMatMul, inputs: [0, 1], outputs: [2], options: [(0, .bool(true))])])
        #expect(try adjoint.interpreter().run(float: [[1, 4, 2, 5, 3, 6]]) == [4, 5, 10, 11])
        let softmax = TestModel(
            tensors: [.float([1, 2]), .float([1, 2])], inputs: [0], outputs: [1],
            operators: [Op(opcode: .softmax, inputs: [0], outputs: [1], options: [(0, .float32(1))])])
        let s = try softmax.interpreter().run(float: [[1, 1 + Float(log(3.0))]])
        #expect(abs(s[0] - 0.25) < 1e-6 && abs(s[1] - 0.75) < 1e-6)
    }

    // MARK: Control flow and variables

    @Test func ifRunsTheChosenBranch() throws {
        let main = TestModel.Subgraph(
            tensors: [.bool([]), .float([2]), .float([2])], inputs: [0, 1], outputs: [2],
            operators: [Op(opcode: .if, inputs: [0, 1], outputs: [2], options: [(0, .int32(1)), (1, .int32(2))])])
        let double = TestModel.Subgraph(
            tensors: [.float([2]), .float([], [2]), .float([2])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .mul, inputs: [0, 1], outputs: [2])])
        let increment = TestModel.Subgraph(
            tensors: [.float([2]), .float([], [1]), .float([2])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .add, inputs: [0, 1], outputs: [2])])
        let interpreter = try TestModel([main, double, increment]).interpreter()
        for (condition, expected) in [(UInt8(1), [Float(6), 8]), (0, [4, 5])] {
            try [condition].withUnsafeBytes { try interpreter.setInput(0, bytes: $0) }
            try interpreter.setInput(1, float: [3, 4])
            try interpreter.invoke()
            #expect(try interpreter.outputFloats(0) == expected)
        }
    }

    static func accumulator() -> TestModel {
        let handle: [(Int, FlatBufferField)] = [(0, .object(.string(""))), (1, .object(.string("acc")))]
        let main = TestModel.Subgraph(
            tensors: [.float([2]), .resource(), .float([2]), .float([2])], inputs: [0], outputs: [3],
            operators: [
                Op(opcode: .callOnce, inputs: [], outputs: [], options: [(0, .int32(1))]),
                Op(opcode: .varHandle, inputs: [], outputs: [1], options: handle),
                Op(opcode: .readVariable, inputs: [1], outputs: [2]),
                Op(opcode: .add, inputs: [2, 0], outputs: [3]),
                Op(opcode: .assignVariable, inputs: [1, 3], outputs: []),
            ])
        let initializer = TestModel.Subgraph(
            tensors: [.resource(), .float([2], [10, 20])], inputs: [], outputs: [],
            operators: [
                Op(opcode: .varHandle, inputs: [], outputs: [0], options: handle),
                Op(opcode: .assignVariable, inputs: [0, 1], outputs: []),
            ])
        return TestModel([main, initializer])
    }

    @Test func variablesPersistUntilReset() throws {
        let interpreter = try Self.accumulator().interpreter()
        #expect(try interpreter.run(float: [[1, 2]]) == [11, 22])
        #expect(try interpreter.run(float: [[1, 2]]) == [12, 24])
        interpreter.resetVariables()
        #expect(try interpreter.run(float: [[1, 2]]) == [11, 22])
    }

    // MARK: Validation and resizing

    @Test func unsupportedOperatorIsNamed() throws {
        let model = TestModel(
            tensors: [.float([2]), .float([2])], inputs: [0], outputs: [1],
            operators: [Op(opcode: BuiltinOperator(code: 28), inputs: [0], outputs: [1])])
        do {
            _ = try TFLiteModel(bytes: model.bytes())
            Issue.record("a model with TANH loaded")
        } catch let error as InferenceError {
            #expect(error.code == .unsupportedOperator)
            #expect(error.message.contains("TANH"), "\(error.message)")
        }
    }

    @Test func corruptScalesSaturateInsteadOfTrapping() throws {
        // Zero and denormal scales make infinite or huge multipliers and clamps.
        for scale: Float in [0, 1e-38, 1e30] {
            let model = TestModel(
                tensors: [
                    .int8([1, 1, 1, 2], scale: [scale]), .int8([2, 1, 1, 2], [1, 2, 3, 4], scale: [1, scale], dimension: 0),
                    .int8([1, 1, 1, 2], scale: [scale]), .int8([1, 1, 1, 2], scale: [0.5]),
                ], inputs: [0], outputs: [3],
                operators: [
                    Op(opcode: .conv2D, inputs: [0, 1], outputs: [2], options: [(0, Self.valid), (1, .int32(1)), (2, .int32(1)), (3, .int8(3))]),
                    Op(opcode: .add, inputs: [2, 0], outputs: [3], options: [(0, .int8(1))]),
                ])
            let interpreter = try model.interpreter()
            _ = try interpreter.run(int8: [[100, -100]])
        }
    }

    @Test func resizingAnInputReplansOnce() throws {
        let model = TestModel(
            tensors: [.float([1]), .float([], [1]), .float([1])], inputs: [0], outputs: [2],
            operators: [Op(opcode: .add, inputs: [0, 1], outputs: [2])])
        let interpreter = try model.interpreter()
        try interpreter.resizeInput(0, shape: [5])
        #expect(try interpreter.output(0).shape == [5])
        #expect(try interpreter.run(float: [[1, 2, 3, 4, 5]]) == [2, 3, 4, 5, 6])
        #expect(throws: InferenceError.self) { try interpreter.setInput(0, float: [1]) }
    }

    @Test func arenaIsPlannedOnce() throws {
        // The arena is planned at load: invocations do not change it. (That invoking
        // allocates nothing at all is checked by scripts/inference/check_allocations.sh.)
        let interpreter = try Self.accumulator().interpreter()
        let size = interpreter.arenaByteCount
        for _ in 0..<10 { _ = try interpreter.run(float: [[1, 1]]) }
        #expect(interpreter.arenaByteCount == size)
    }
}
