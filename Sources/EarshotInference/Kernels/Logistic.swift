/// LOGISTIC (sigmoid). Int8 uses a 256-entry lookup table filled as TFLite's `LUTPopulate`
/// does (float sigmoid of each dequantized input, rounded to the output scale); float32
/// follows `reference_ops::Logistic` with its cutoffs.
enum LogisticOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        try node.setOutputShape(0, try node.input(0).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        switch (input.type, output.type) {
        case (.int8, .int8):
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            let table = LookupTable.int8(input: input, output: output) { 1 / (1 + libmExp(-$0)) }
            return LookupTableKernel(table: table, input: try node.inputData(0), output: try node.outputData(0), count: input.elementCount)
        case (.float32, .float32):
            return UnaryFloatKernel(input: try node.inputData(0), output: try node.outputData(0), count: input.elementCount, .logistic)
        default:
            throw InferenceError.unsupported("\(node.path): LOGISTIC from \(input.type) to \(output.type) is not supported")
        }
    }
}

/// Builds 8-bit lookup tables the way TFLite's `LUTPopulate` does.
enum LookupTable {
    static func int8(input: RuntimeTensor, output: RuntimeTensor, _ transform: (Float) -> Float) -> [Int8] {
        let inverseScale = 1 / output.scale
        var table = [Int8](repeating: 0, count: 256)
        for value in Int32(-128)...127 {
            let dequantized = input.scale * Float(value - input.zeroPoint)
            let transformed = transform(dequantized)
            let rescaled = (transformed * inverseScale).rounded(.toNearestOrAwayFromZero)
            let sum = rescaled + Float(output.zeroPoint)
            let quantized = sum.isFinite ? Int32(max(min(sum, 1e9), -1e9)) : (sum > 0 ? 127 : -128)
            table[Int(UInt8(bitPattern: Int8(truncatingIfNeeded: value)))] = Int8(max(min(quantized, 127), -128))
        }
        return table
    }
}

/// Maps each int8 element through a 256-entry table indexed by its bit pattern.
final class LookupTableKernel: Kernel {
    let table: KernelBuffer<Int8>
    let input: UnsafePointer<Int8>
    let output: UnsafeMutablePointer<Int8>
    let count: Int

    init(table: [Int8], input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, count: Int) {
        self.table = KernelBuffer(table)
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.count = count
    }

    func invoke(_ context: ExecutionContext) throws {
        let t = table.pointer
        for i in 0..<count {
            output[i] = t[Int(UInt8(bitPattern: input[i]))]
        }
    }
}

/// Float LOGISTIC, LOG, RSQRT and LEAKY_RELU element-wise; one loop per function.
final class UnaryFloatKernel: Kernel {
    enum Function {
        case logistic, log, rsqrt
        case leakyRelu(alpha: Float)
    }

    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let count: Int
    let function: Function

    init(input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, count: Int, _ function: Function) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.output = output.assumingMemoryBound(to: Float.self)
        self.count = count
        self.function = function
    }

    func invoke(_ context: ExecutionContext) throws {
        let (input, output) = (self.input, self.output)
        switch function {
        case .logistic:
            for i in 0..<count {
                let value = input[i]
                if value > 16.619047164916992188 {
                    output[i] = 1
                } else if value < -9 {
                    output[i] = libmExp(value)
                } else {
                    output[i] = 1 / (1 + libmExp(-value))
                }
            }
        case .log:
            for i in 0..<count { output[i] = libmLog(input[i]) }
        case .rsqrt:
            for i in 0..<count { output[i] = 1 / input[i].squareRoot() }
        case .leakyRelu(let alpha):
            for i in 0..<count {
                let value = input[i]
                output[i] = value > 0 ? value : value * alpha
            }
        }
    }
}
