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
            return PoolKernel<Float>(p, input: try node.inputData(0), output: try node.outputData(0), isMax: isMax) { values, count, max in
                var result: Float
                if max {
                    result = -.greatestFiniteMagnitude
                    for v in values where v > result { result = v }
                } else {
                    result = 0
                    for v in values { result += v }
                    result /= Float(count)
                }
                return Swift.min(Swift.max(result, lo), hi)
            }
        case .int8:
            try node.requireQuantized(output, "output")
            let range = FixedPoint.activationRange(p.activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: -128, qmax: 127)
            return PoolKernel<Int8>(p, input: try node.inputData(0), output: try node.outputData(0), isMax: isMax) { values, count, max in
                var result: Int32
                if max {
                    result = -128
                    for v in values where Int32(v) > result { result = Int32(v) }
                } else {
                    var acc: Int32 = 0
                    for v in values { acc &+= Int32(v) }
                    let n = Int32(count)
                    result = acc > 0 ? (acc &+ n / 2) / n : (acc &- n / 2) / n
                }
                return Int8(Swift.min(Swift.max(result, range.min), range.max))
            }
        default:
            throw InferenceError.unsupported("\(node.path): \(node.op.opcode.name) on \(input.type) is not supported")
        }
    }
}

/// Pools each window (gathered into a scratch buffer) with a reduction function.
final class PoolKernel<Element: BitwiseCopyable>: Kernel {
    let p: Pool2DOperator.Parameters
    let input: UnsafePointer<Element>
    let output: UnsafeMutablePointer<Element>
    let isMax: Bool
    let window: UnsafeMutablePointer<Element>
    let reduce: (UnsafeBufferPointer<Element>, Int, Bool) -> Element

    init(
        _ p: Pool2DOperator.Parameters, input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, isMax: Bool,
        _ reduce: @escaping (UnsafeBufferPointer<Element>, Int, Bool) -> Element
    ) {
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Element.self))
        self.output = output.assumingMemoryBound(to: Element.self)
        self.isMax = isMax
        self.window = UnsafeMutablePointer<Element>.allocate(capacity: max(p.filterHeight * p.filterWidth, 1))
        self.reduce = reduce
    }

    deinit { window.deallocate() }

    func invoke(_ context: ExecutionContext) throws {
        let p = self.p
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                for ox in 0..<p.outWidth {
                    let y0 = oy &* p.strideH &- p.padTop
                    let x0 = ox &* p.strideW &- p.padLeft
                    let yStart = max(0, -y0), yEnd = min(p.filterHeight, p.inHeight &- y0)
                    let xStart = max(0, -x0), xEnd = min(p.filterWidth, p.inWidth &- x0)
                    for c in 0..<p.channels {
                        var n = 0
                        if yStart < yEnd && xStart < xEnd {
                            for fy in yStart..<yEnd {
                                for fx in xStart..<xEnd {
                                    window[n] = input[((b &* p.inHeight &+ y0 &+ fy) &* p.inWidth &+ x0 &+ fx) &* p.channels &+ c]
                                    n &+= 1
                                }
                            }
                        }
                        output[((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* p.channels &+ c] =
                            reduce(UnsafeBufferPointer(start: window, count: n), max(n, 1), isMax)
                    }
                }
            }
        }
    }
}
