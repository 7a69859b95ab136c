/// AVERAGE_POOL_2D and MAX_POOL_2D over NHWC, float32 and int8, as TFLite's reference
/// pools: padded positions are left out (an average divides by the in-bounds count; int8
/// averages round half away from zero), then the fused activation clamps.
enum Pool2DOperator: OperatorDefinition {
    struct Parameters {
        var batches, inHeight, inWidth, channels, outHeight, outWidth: Int
        var filterHeight, filterWidth, strideH, strideW, padTop, padLeft: Int
        var activation: FusedActivation
    }

    static func parameters(_ node: Node) throws -> Parameters {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        guard case .pool2D(let padding, let strideW, let strideH, let filterW, let filterH, let activation) = node.op.options else {
            throw node.fail("missing Pool2DOptions")
        }
        let input = try node.input(0)
        try node.require(input.shape.count == 4, "input must be 4-D, is \(input.shape)")
        let g = ConvGeometry(
            padding: padding, inHeight: input.shape[1], inWidth: input.shape[2], filterHeight: filterH, filterWidth: filterW,
            strideH: strideH, strideW: strideW)
        return Parameters(
            batches: input.shape[0], inHeight: input.shape[1], inWidth: input.shape[2], channels: input.shape[3],
            outHeight: g.outHeight, outWidth: g.outWidth, filterHeight: filterH, filterWidth: filterW, strideH: strideH,
            strideW: strideW, padTop: g.padTop, padLeft: g.padLeft, activation: activation)
    }

    static func inferShapes(_ node: Node) throws {
        let p = try parameters(node)
        try node.setOutputShape(0, [p.batches, p.outHeight, p.outWidth, p.channels])
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let p = try parameters(node)
        let input = try node.input(0)
        let output = try node.output(0)
        try node.require(input.type == output.type, "input is \(input.type), output \(output.type)")
        let isMax = node.op.opcode == .maxPool2D
        switch input.type {
        case .float32:
            let (lo, hi) = FixedPoint.activationRange(p.activation)
            return FloatPoolKernel(p, input: try node.inputData(0), output: try node.outputData(0), isMax: isMax, min: lo, max: hi)
        case .int8:
            try node.requireQuantized(output, "output")
            let range = FixedPoint.activationRange(p.activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: -128, qmax: 127)
            return Int8PoolKernel(p, input: try node.inputData(0), output: try node.outputData(0), isMax: isMax, range: range)
        default:
            throw InferenceError.unsupported("\(node.path): \(node.op.opcode.name) on \(input.type) is not supported")
        }
    }
}

/// Float pools, vectorized across channels (each channel reduced in the reference order).
final class FloatPoolKernel: Kernel {
    let p: Pool2DOperator.Parameters
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let isMax: Bool
    let lo, hi: Float

    init(
        _ p: Pool2DOperator.Parameters, input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, isMax: Bool, min lo: Float,
        max hi: Float
    ) {
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.output = output.assumingMemoryBound(to: Float.self)
        self.isMax = isMax
        self.lo = lo
        self.hi = hi
    }

    func invoke(_ context: ExecutionContext) throws {
        let p = self.p
        let channels = p.channels
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                for ox in 0..<p.outWidth {
                    let (y0, yTaps) = p.rows(of: oy)
                    let (x0, xTaps) = p.columns(of: ox)
                    let out = output + ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* channels
                    out.update(repeating: isMax ? -.greatestFiniteMagnitude : 0, count: channels)
                    var count = 0
                    for fy in yTaps {
                        for fx in xTaps {
                            let x = input + ((b &* p.inHeight &+ y0 &+ fy) &* p.inWidth &+ x0 &+ fx) &* channels
                            if isMax {
                                for c in 0..<channels { let v = x[c]; out[c] = out[c] < v ? v : out[c] }
                            } else {
                                for c in 0..<channels { out[c] += x[c] }
                            }
                            count &+= 1
                        }
                    }
                    if !isMax {
                        let n = Float(max(count, 1))
                        for c in 0..<channels { out[c] /= n }
                    }
                    for c in 0..<channels { out[c] = min(max(out[c], lo), hi) }
                }
            }
        }
    }
}

/// Int8 pools: max of raw values, or the average rounded half away from zero.
final class Int8PoolKernel: Kernel {
    let p: Pool2DOperator.Parameters
    let input: UnsafePointer<Int8>
    let output: UnsafeMutablePointer<Int8>
    let isMax: Bool
    let lo, hi: Int32
    let sums: KernelBuffer<Int32>

    init(
        _ p: Pool2DOperator.Parameters, input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, isMax: Bool,
        range: (min: Int32, max: Int32)
    ) {
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.isMax = isMax
        self.lo = range.min
        self.hi = range.max
        self.sums = KernelBuffer(repeating: 0, count: p.channels)
    }

    func invoke(_ context: ExecutionContext) throws {
        let p = self.p
        let channels = p.channels
        let acc = sums.pointer
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                for ox in 0..<p.outWidth {
                    let (y0, yTaps) = p.rows(of: oy)
                    let (x0, xTaps) = p.columns(of: ox)
                    acc.update(repeating: isMax ? -128 : 0, count: channels)
                    var count: Int32 = 0
                    for fy in yTaps {
                        for fx in xTaps {
                            let x = input + ((b &* p.inHeight &+ y0 &+ fy) &* p.inWidth &+ x0 &+ fx) &* channels
                            if isMax {
                                for c in 0..<channels { acc[c] = max(acc[c], Int32(x[c])) }
                            } else {
                                for c in 0..<channels { acc[c] = acc[c] &+ Int32(x[c]) }
                            }
                            count &+= 1
                        }
                    }
                    let out = output + ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* channels
                    let n = max(count, 1)
                    for c in 0..<channels {
                        var value = acc[c]
                        if !isMax { value = value > 0 ? (value &+ n / 2) / n : (value &- n / 2) / n }
                        out[c] = Int8(min(max(value, lo), hi))
                    }
                }
            }
        }
    }
}
