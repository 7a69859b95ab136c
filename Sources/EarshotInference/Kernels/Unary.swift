import Foundation

/// LOG, RSQRT and LEAKY_RELU. Float32 for all three; int8 LOG through a 256-entry table;
/// int8 LEAKY_RELU with TFLite's two requantization multipliers (identity for x >= zero
/// point, alpha below).
enum UnaryOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        try node.setOutputShape(0, try node.input(0).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        try node.require(input.type == output.type, "input is \(input.type), output \(output.type)")
        let count = input.elementCount
        switch (node.op.opcode, input.type) {
        case (.log, .float32):
            return UnaryFloatKernel(input: try node.inputData(0), output: try node.outputData(0), count: count, .log)
        case (.rsqrt, .float32):
            return UnaryFloatKernel(input: try node.inputData(0), output: try node.outputData(0), count: count, .rsqrt)
        case (.leakyRelu, .float32):
            guard case .leakyRelu(let alpha) = node.op.options else { throw node.fail("missing LeakyReluOptions") }
            return UnaryFloatKernel(input: try node.inputData(0), output: try node.outputData(0), count: count, .leakyRelu(alpha: alpha))
        case (.log, .int8):
            // TFLite's LOG on int8 maps each value through a table filled like LOGISTIC's.
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            let table = LookupTable.int8(input: input, output: output) { Foundation.log($0) }
            return LookupTableKernel(table: table, input: try node.inputData(0), output: try node.outputData(0), count: count)
        case (.leakyRelu, .int8):
            guard case .leakyRelu(let alpha) = node.op.options else { throw node.fail("missing LeakyReluOptions") }
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            let rounding = node.rounding
            let (mi, si) = FixedPoint.quantizeMultiplier(Double(input.scale) / Double(output.scale), rounding: rounding)
            let (ma, sa) = FixedPoint.quantizeMultiplier(Double(input.scale * alpha / output.scale), rounding: rounding)
            let (zi, zo) = (input.zeroPoint, output.zeroPoint)
            var table = [Int8](repeating: 0, count: 256)
            for q in Int32(-128)...127 {
                let x = q - zi
                let y =
                    x >= 0
                    ? FixedPoint.multiplyByQuantizedMultiplier(x, mi, Int32(si), rounding)
                    : FixedPoint.multiplyByQuantizedMultiplier(x, ma, Int32(sa), rounding)
                table[Int(UInt8(bitPattern: Int8(q)))] = Int8(min(max(y &+ zo, -128), 127))
            }
            return LookupTableKernel(table: table, input: try node.inputData(0), output: try node.outputData(0), count: count)
        default:
            throw InferenceError.unsupported("\(node.path): \(node.op.opcode.name) on \(input.type) is not supported")
        }
    }
}
