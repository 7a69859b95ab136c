/// BATCH_MATMUL: `out[b] = lhs[b] x rhs[b]` with optional adjoints and broadcasting over
/// the batch dimensions; float32, and int8 as TFLite's reference kernel computes it.
enum BatchMatMulOperator: OperatorDefinition {
    struct Geometry {
        var m, k, n: Int
        var adjX, adjY: Bool
        var batches: Int
        var lhsBatch: [Int]
        var rhsBatch: [Int]
        var outputShape: [Int]
    }

    static func geometry(_ node: Node, withBatchIndices: Bool = false) throws -> Geometry {
        try node.requireCounts(inputs: 2...2, outputs: 1...1)
        guard case .batchMatMul(let adjX, let adjY) = node.op.options else { throw node.fail("missing BatchMatMulOptions") }
        let lhs = try node.input(0)
        let rhs = try node.input(1)
        try node.require(lhs.shape.count >= 2 && rhs.shape.count >= 2, "operands must be at least 2-D: \(lhs.shape), \(rhs.shape)")
        let (lr, lc) = (lhs.shape[lhs.shape.count - 2], lhs.shape[lhs.shape.count - 1])
        let (rr, rc) = (rhs.shape[rhs.shape.count - 2], rhs.shape[rhs.shape.count - 1])
        let (m, k) = adjX ? (lc, lr) : (lr, lc)
        let (k2, n) = adjY ? (rc, rr) : (rr, rc)
        try node.require(k == k2, "inner dimensions differ: \(lhs.shape) x \(rhs.shape)")
        var batch = try Broadcast(Array(lhs.shape.dropLast(2)), Array(rhs.shape.dropLast(2)), node)
        let batches = batch.outputShape.reduce(1, *)
        var lhsBatch: [Int] = []
        var rhsBatch: [Int] = []
        if withBatchIndices { batch.computeIndices() }
        for b in 0..<(withBatchIndices ? batches : 0) {
            switch batch.mode {
            case .flat: lhsBatch.append(b); rhsBatch.append(b)
            case .scalarLeft: lhsBatch.append(0); rhsBatch.append(b)
            case .scalarRight: lhsBatch.append(b); rhsBatch.append(0)
            case .indexed: lhsBatch.append(Int(batch.leftIndex[b])); rhsBatch.append(Int(batch.rightIndex[b]))
            }
        }
        return Geometry(
            m: m, k: k, n: n, adjX: adjX, adjY: adjY, batches: batches, lhsBatch: lhsBatch, rhsBatch: rhsBatch,
            outputShape: batch.outputShape + [m, n])
    }

    static func inferShapes(_ node: Node) throws {
        try node.setOutputShape(0, try geometry(node).outputShape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let g = try geometry(node, withBatchIndices: true)
        let (lhs, rhs, output) = (try node.input(0), try node.input(1), try node.output(0))
        if lhs.type == .int8 && rhs.type == .int8 && output.type == .int8 {
            for (t, what) in [(lhs, "lhs"), (rhs, "rhs"), (output, "output")] { try node.requireQuantized(t, what) }
            // GetQuantizedConvolutionMultipler: the float product of the input scales, over the output scale in double.
            let (multiplier, shift) = FixedPoint.quantizeMultiplier(
                Double(lhs.scale * rhs.scale) / Double(output.scale), rounding: node.rounding)
            return BatchMatMulInt8Kernel(
                g, lhs: try node.inputData(0), rhs: try node.inputData(1), output: try node.outputData(0),
                lhsZeroPoint: lhs.zeroPoint, rhsZeroPoint: rhs.zeroPoint, outputZeroPoint: output.zeroPoint, multiplier: multiplier,
                shift: Int32(shift), rounding: node.rounding)
        }
        for t in [try node.input(0), try node.input(1), try node.output(0)] {
            guard t.type == .float32 else {
                throw InferenceError.unsupported("\(node.path): BATCH_MATMUL on \(t.type) is not supported")
            }
        }
        return BatchMatMulFloatKernel(g, lhs: try node.inputData(0), rhs: try node.inputData(1), output: try node.outputData(0))
    }
}

final class BatchMatMulFloatKernel: Kernel {
    let g: BatchMatMulOperator.Geometry
    let lhs: UnsafePointer<Float>
    let rhs: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    /// The right operand of each batch transposed to `[n, k]`, so each dot product is contiguous.
    let rhsColumns: UnsafeMutablePointer<Float>
    let lhsRows: UnsafeMutablePointer<Float>

    init(_ g: BatchMatMulOperator.Geometry, lhs: UnsafeMutableRawPointer, rhs: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer) {
        self.g = g
        self.lhs = UnsafePointer(lhs.assumingMemoryBound(to: Float.self))
        self.rhs = UnsafePointer(rhs.assumingMemoryBound(to: Float.self))
        self.output = output.assumingMemoryBound(to: Float.self)
        rhsColumns = .allocate(capacity: max(g.k * g.n, 1))
        lhsRows = .allocate(capacity: max(g.k * g.m, 1))
    }

    deinit {
        rhsColumns.deallocate()
        lhsRows.deallocate()
    }

    func invoke(_ context: ExecutionContext) throws {
        let (m, k, n) = (g.m, g.k, g.n)
        for b in 0..<g.batches {
            let l = lhs + g.lhsBatch[b] &* m &* k
            let r = rhs + g.rhsBatch[b] &* k &* n
            // Rows of lhs as [m, k]; columns of rhs as [n, k].
            var rows = l
            if g.adjX {
                for i in 0..<m { for kk in 0..<k { lhsRows[i &* k &+ kk] = l[kk &* m &+ i] } }
                rows = UnsafePointer(lhsRows)
            }
            var columns = r
            if !g.adjY {
                for kk in 0..<k { for j in 0..<n { rhsColumns[j &* k &+ kk] = r[kk &* n &+ j] } }
                columns = UnsafePointer(rhsColumns)
            }
            let out = output + b &* m &* n
            for i in 0..<m {
                for j in 0..<n {
                    out[i &* n &+ j] = DotProduct.float(rows + i &* k, columns + j &* k, k)
                }
            }
        }
    }
}

/// Int8 BATCH_MATMUL as TFLite's reference `BatchMatMul` computes it: exact int32 sums of
/// `(lhs - lhs_zero_point) * (rhs - rhs_zero_point)`, one requantization by
/// `lhs_scale * rhs_scale / output_scale`, the output zero point, clamped to int8.
final class BatchMatMulInt8Kernel: Kernel {
    let g: BatchMatMulOperator.Geometry
    let lhs: UnsafePointer<Int8>
    let rhs: UnsafePointer<Int8>
    let output: UnsafeMutablePointer<Int8>
    let lhsZeroPoint, rhsZeroPoint, outputZeroPoint: Int32
    let multiplier, shift: Int32
    let rounding: MultiplierRounding

    init(
        _ g: BatchMatMulOperator.Geometry, lhs: UnsafeMutableRawPointer, rhs: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer,
        lhsZeroPoint: Int32, rhsZeroPoint: Int32, outputZeroPoint: Int32, multiplier: Int32, shift: Int32, rounding: MultiplierRounding
    ) {
        self.g = g
        self.lhs = UnsafePointer(lhs.assumingMemoryBound(to: Int8.self))
        self.rhs = UnsafePointer(rhs.assumingMemoryBound(to: Int8.self))
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.lhsZeroPoint = lhsZeroPoint
        self.rhsZeroPoint = rhsZeroPoint
        self.outputZeroPoint = outputZeroPoint
        self.multiplier = multiplier
        self.shift = shift
        self.rounding = rounding
    }

    func invoke(_ context: ExecutionContext) throws {
        let (m, k, n) = (g.m, g.k, g.n)
        for b in 0..<g.batches {
            let l = lhs + g.lhsBatch[b] &* m &* k
            let r = rhs + g.rhsBatch[b] &* k &* n
            let out = output + b &* m &* n
            for i in 0..<m {
                for j in 0..<n {
                    var total: Int32 = 0
                    for kk in 0..<k {
                        let a = Int32(g.adjX ? l[kk &* m &+ i] : l[i &* k &+ kk]) &- lhsZeroPoint
                        let c = Int32(g.adjY ? r[j &* k &+ kk] : r[kk &* n &+ j]) &- rhsZeroPoint
                        total = total &+ a &* c
                    }
                    let scaled = FixedPoint.multiplyByQuantizedMultiplier(total, multiplier, shift, rounding) &+ outputZeroPoint
                    out[i &* n &+ j] = Int8(clamping: scaled)
                }
            }
        }
    }
}
