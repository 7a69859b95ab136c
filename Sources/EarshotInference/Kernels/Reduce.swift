/// MEAN and REDUCE_MAX over constant axes, with `keep_dims`; float32, int8 MEAN (TFLite's
/// reference `QuantizedMeanOrSum`) and int8 REDUCE_MAX (raw values; input and output must
/// share quantization). Accumulation follows TFLite's
/// generic reduction: input elements in row-major order, added into their output slot.
enum ReduceOperator: OperatorDefinition {
    static func geometry(_ node: Node) throws -> (axes: Set<Int>, shape: [Int]) {
        try node.requireCounts(inputs: 2...2, outputs: 1...1)
        guard case .reducer(let keepDims) = node.op.options else { throw node.fail("missing ReducerOptions") }
        let input = try node.input(0)
        var axes = Set<Int>()
        for raw in try node.constantInts(1) {
            let axis = raw < 0 ? raw + input.shape.count : raw
            try node.require(axis >= 0 && axis < input.shape.count, "axis \(raw) out of range for shape \(input.shape)")
            axes.insert(axis)
        }
        var shape: [Int] = []
        for (d, size) in input.shape.enumerated() {
            if axes.contains(d) {
                if keepDims { shape.append(1) }
            } else {
                shape.append(size)
            }
        }
        return (axes, shape)
    }

    static func inferShapes(_ node: Node) throws {
        try node.setOutputShape(0, try geometry(node).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let (axes, _) = try geometry(node)
        let input = try node.input(0)
        let output = try node.output(0)
        try node.require(input.type == output.type, "input is \(input.type), output \(output.type)")
        // Output slot of each input element.
        let strides = rowMajorStrides(input.shape.enumerated().map { axes.contains($0.offset) ? 1 : $0.element })
        var slots: [Int32] = []
        slots.reserveCapacity(input.elementCount)
        var index = [Int](repeating: 0, count: input.shape.count)
        for _ in 0..<input.elementCount {
            var slot = 0
            for d in index.indices where !axes.contains(d) { slot += index[d] * strides[d] }
            slots.append(Int32(slot))
            var d = index.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < input.shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        let reduced = input.shape.enumerated().filter { axes.contains($0.offset) }.map(\.element).reduce(1, *)
        switch (node.op.opcode, input.type) {
        case (.mean, .float32):
            return ReduceFloatKernel(
                input: try node.inputData(0), output: try node.outputData(0), slots: slots, outputCount: output.elementCount, mean: true,
                reducedCount: reduced)
        case (.reduceMax, .float32):
            return ReduceFloatKernel(
                input: try node.inputData(0), output: try node.outputData(0), slots: slots, outputCount: output.elementCount, mean: false,
                reducedCount: reduced)
        case (.mean, .int8):
            try node.requireQuantized(input, "input")
            try node.requireQuantized(output, "output")
            return ReduceMeanInt8Kernel(
                input: try node.inputData(0), output: try node.outputData(0), slots: slots, outputCount: output.elementCount,
                reducedCount: reduced, inputScale: input.scale, inputZeroPoint: input.zeroPoint, outputScale: output.scale,
                outputZeroPoint: output.zeroPoint, rounding: node.rounding)
        case (.reduceMax, .int8):
            try node.require(
                input.scale == output.scale && input.zeroPoint == output.zeroPoint,
                "int8 REDUCE_MAX needs input and output to share quantization")
            return ReduceMaxInt8Kernel(
                input: try node.inputData(0), output: try node.outputData(0), slots: slots, outputCount: output.elementCount)
        default:
            throw InferenceError.unsupported("\(node.path): \(node.op.opcode.name) on \(input.type) is not supported")
        }
    }
}

final class ReduceFloatKernel: Kernel {
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let slots: KernelBuffer<Int32>
    let outputCount: Int
    let mean: Bool
    let reducedCount: Int

    init(input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, slots: [Int32], outputCount: Int, mean: Bool, reducedCount: Int) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.output = output.assumingMemoryBound(to: Float.self)
        self.slots = KernelBuffer(slots)
        self.outputCount = outputCount
        self.mean = mean
        self.reducedCount = reducedCount
    }

    func invoke(_ context: ExecutionContext) throws {
        let slot = slots.pointer
        if mean {
            output.update(repeating: 0, count: outputCount)
            for i in 0..<slots.count { output[Int(slot[i])] += input[i] }
            let n = Float(reducedCount)
            for o in 0..<outputCount { output[o] /= n }
        } else {
            output.update(repeating: -.greatestFiniteMagnitude, count: outputCount)
            for i in 0..<slots.count {
                let s = Int(slot[i])
                if input[i] > output[s] { output[s] = input[i] }
            }
        }
    }
}

final class ReduceMaxInt8Kernel: Kernel {
    let input: UnsafePointer<Int8>
    let output: UnsafeMutablePointer<Int8>
    let slots: KernelBuffer<Int32>
    let outputCount: Int

    init(input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, slots: [Int32], outputCount: Int) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.slots = KernelBuffer(slots)
        self.outputCount = outputCount
    }

    func invoke(_ context: ExecutionContext) throws {
        let slot = slots.pointer
        output.update(repeating: -128, count: outputCount)
        for i in 0..<slots.count {
            let s = Int(slot[i])
            if input[i] > output[s] { output[s] = input[i] }
        }
    }
}

/// Int8 MEAN as TFLite's reference `QuantizedMeanOrSum` computes it: int32 sums, the input
/// zero point taken off `count` times, then one requantization whose multiplier
/// (`input_scale / output_scale`, from `PrepareMeanOrSum`) absorbs `1 / count`: shifted left
/// by `floor(log2(count))` (at most 32, and at most `31 + shift`), divided by `count`
/// truncating, with the shift lowered to match.
final class ReduceMeanInt8Kernel: Kernel {
    let input: UnsafePointer<Int8>
    let output: UnsafeMutablePointer<Int8>
    let slots: KernelBuffer<Int32>
    let sums: KernelBuffer<Int32>
    let outputCount: Int
    let reducedCount: Int
    let inputZeroPoint, outputZeroPoint: Int32
    let multiplier, shift: Int32
    let rounding: MultiplierRounding

    init(
        input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, slots: [Int32], outputCount: Int, reducedCount: Int,
        inputScale: Float, inputZeroPoint: Int32, outputScale: Float, outputZeroPoint: Int32, rounding: MultiplierRounding
    ) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.slots = KernelBuffer(slots)
        self.sums = KernelBuffer([Int32](repeating: 0, count: outputCount))
        self.outputCount = outputCount
        self.reducedCount = reducedCount
        self.inputZeroPoint = inputZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.rounding = rounding
        var (m, s) = FixedPoint.quantizeMultiplier(Double(inputScale) / Double(outputScale), rounding: rounding)
        if reducedCount > 0 {
            var bits = 63 - UInt64(reducedCount).leadingZeroBitCount
            bits = min(bits, 32, 31 + s)
            m = Int32(truncatingIfNeeded: (Int64(m) << Int64(bits)) / Int64(reducedCount))
            s -= bits
        }
        (multiplier, shift) = (m, Int32(s))
    }

    func invoke(_ context: ExecutionContext) throws {
        guard reducedCount > 0 else { return }
        let slot = slots.pointer
        let sum = sums.pointer
        sum.update(repeating: 0, count: outputCount)
        for i in 0..<slots.count { sum[Int(slot[i])] &+= Int32(input[i]) }
        let offset = inputZeroPoint &* Int32(truncatingIfNeeded: reducedCount)
        for o in 0..<outputCount {
            let value = FixedPoint.multiplyByQuantizedMultiplier(sum[o] &- offset, multiplier, shift, rounding) &+ outputZeroPoint
            output[o] = Int8(clamping: value)
        }
    }
}
