/// FULLY_CONNECTED: `output[b, o] = sum_d input[b, d] * filter[o, d] + bias[o]`; int8 and float32.
enum FullyConnectedOperator: OperatorDefinition {
    struct Parameters {
        var batches: Int
        var depth: Int
        var outputs: Int
        var activation: FusedActivation
        var outputShape: [Int]
    }

    static func parameters(_ node: Node) throws -> Parameters {
        try node.requireCounts(inputs: 2...3, outputs: 1...1)
        guard case .fullyConnected(let activation, let keepNumDims) = node.op.options else {
            throw node.fail("missing FullyConnectedOptions")
        }
        let input = try node.input(0)
        let filter = try node.input(1)
        try node.require(filter.shape.count == 2, "filter must be 2-D, is \(filter.shape)")
        let depth = filter.shape[1]
        let outputs = filter.shape[0]
        try node.require(
            depth > 0 && input.elementCount % depth == 0,
            "input of \(input.elementCount) elements does not split into rows of \(depth)")
        let batches = input.elementCount / depth
        if node.hasInput(2) {
            let bias = try node.input(2)
            try node.require(bias.elementCount == outputs, "bias has \(bias.elementCount) values for \(outputs) outputs")
        }
        var shape = [batches, outputs]
        if keepNumDims && !input.shape.isEmpty && input.shape.last == depth {
            shape = input.shape
            shape[shape.count - 1] = outputs
        }
        return Parameters(batches: batches, depth: depth, outputs: outputs, activation: activation, outputShape: shape)
    }

    static func inferShapes(_ node: Node) throws {
        try node.setOutputShape(0, try parameters(node).outputShape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let p = try parameters(node)
        let input = try node.input(0)
        let filter = try node.input(1)
        let output = try node.output(0)
        let bias = node.hasInput(2) ? try node.inputData(2) : nil
        switch (input.type, filter.type, output.type) {
        case (.int8, .int8, .int8):
            try node.requireQuantized(input, "input")
            try node.requireQuantized(filter, "filter")
            try node.requireQuantized(output, "output")
            if node.hasInput(2) { try node.requireType(try node.input(2), [.int32], "bias") }
            let scales = filter.quantization!.scales
            var multipliers: [Int32]
            var shifts: [Int32]
            if scales.count > 1 {
                try node.require(scales.count == p.outputs, "filter has \(scales.count) scales for \(p.outputs) outputs")
                let q = QuantizedChannelParameters(
                    inputScale: input.scale, filterScales: scales, outputScale: output.scale, channels: p.outputs,
                    rounding: node.matrixRounding)
                multipliers = q.multipliers
                shifts = q.shifts
            } else {
                // GetQuantizedConvolutionMultipler: the scale product is taken in float.
                let real = Double(input.scale * filter.scale) / Double(output.scale)
                let (m, s) = FixedPoint.quantizeMultiplier(real, rounding: node.matrixRounding)
                multipliers = [Int32](repeating: m, count: p.outputs)
                shifts = [Int32](repeating: Int32(s), count: p.outputs)
            }
            let range = FixedPoint.activationRange(p.activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: -128, qmax: 127)
            return FullyConnectedInt8Kernel(
                p, input: try node.inputData(0), filter: try node.inputData(1), bias: bias, output: try node.outputData(0),
                inputOffset: -input.zeroPoint, filterOffset: -filter.zeroPoint, outputOffset: output.zeroPoint,
                multipliers: multipliers, shifts: shifts, range: range, rounding: node.matrixRounding)
        case (.float32, .float32, .float32):
            if node.hasInput(2) { try node.requireType(try node.input(2), [.float32], "bias") }
            return FullyConnectedFloatKernel(
                p, input: try node.inputData(0), filter: try node.inputData(1), bias: bias, output: try node.outputData(0))
        default:
            throw InferenceError.unsupported(
                "\(node.path): FULLY_CONNECTED with input \(input.type), filter \(filter.type), output \(output.type) is not supported")
        }
    }
}

/// `reference_integer_ops::FullyConnected` (per-tensor, or per-channel multipliers).
final class FullyConnectedInt8Kernel: Kernel {
    let p: FullyConnectedOperator.Parameters
    let input: UnsafePointer<Int8>
    let filter: UnsafePointer<Int8>
    let bias: UnsafePointer<Int32>?
    let output: UnsafeMutablePointer<Int8>
    let inputOffset, filterOffset, outputOffset: Int32
    let multipliers: KernelBuffer<Int32>
    let shifts: KernelBuffer<Int32>
    let outputMin, outputMax: Int32
    let rounding: MultiplierRounding

    init(
        _ p: FullyConnectedOperator.Parameters, input: UnsafeMutableRawPointer, filter: UnsafeMutableRawPointer,
        bias: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer, inputOffset: Int32, filterOffset: Int32,
        outputOffset: Int32, multipliers: [Int32], shifts: [Int32], range: (min: Int32, max: Int32), rounding: MultiplierRounding
    ) {
        self.rounding = rounding
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.filter = UnsafePointer(filter.assumingMemoryBound(to: Int8.self))
        self.bias = bias.map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) }
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.inputOffset = inputOffset
        self.filterOffset = filterOffset
        self.outputOffset = outputOffset
        self.multipliers = KernelBuffer(multipliers)
        self.shifts = KernelBuffer(shifts)
        self.outputMin = range.min
        self.outputMax = range.max
    }

    func invoke(_ context: ExecutionContext) throws {
        let depth = p.depth
        for b in 0..<p.batches {
            let row = input + b &* depth
            for o in 0..<p.outputs {
                let weights = filter + o &* depth
                var acc: Int32 = 0
                for d in 0..<depth {
                    acc = acc &+ (Int32(weights[d]) &+ filterOffset) &* (Int32(row[d]) &+ inputOffset)
                }
                if let bias { acc = acc &+ bias[o] }
                acc = FixedPoint.multiplyByQuantizedMultiplier(acc, multipliers.pointer[o], shifts.pointer[o], rounding)
                acc = acc &+ outputOffset
                acc = min(max(acc, outputMin), outputMax)
                output[b &* p.outputs &+ o] = Int8(truncatingIfNeeded: acc)
            }
        }
    }
}

/// `reference_ops::FullyConnected` for float32.
final class FullyConnectedFloatKernel: Kernel {
    let p: FullyConnectedOperator.Parameters
    let input: UnsafePointer<Float>
    let filter: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
    let outputMin, outputMax: Float

    init(
        _ p: FullyConnectedOperator.Parameters, input: UnsafeMutableRawPointer, filter: UnsafeMutableRawPointer,
        bias: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer
    ) {
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.filter = UnsafePointer(filter.assumingMemoryBound(to: Float.self))
        self.bias = bias.map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) }
        self.output = output.assumingMemoryBound(to: Float.self)
        (outputMin, outputMax) = FixedPoint.activationRange(p.activation)
    }

    func invoke(_ context: ExecutionContext) throws {
        let depth = p.depth
        for b in 0..<p.batches {
            let row = input + b &* depth
            for o in 0..<p.outputs {
                let weights = filter + o &* depth
                var total: Float = 0
                for d in 0..<depth { total += row[d] * weights[d] }
                let biasValue: Float = bias?[o] ?? 0
                output[b &* p.outputs &+ o] = min(max(total + biasValue, outputMin), outputMax)
            }
        }
    }
}
