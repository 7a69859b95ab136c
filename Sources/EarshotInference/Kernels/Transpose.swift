/// TRANSPOSE by a constant permutation (a precomputed copy plan).
enum TransposeOperator: OperatorDefinition {
    static func permutation(_ node: Node) throws -> [Int] {
        try node.requireCounts(inputs: 2...2, outputs: 1...1)
        let input = try node.input(0)
        let perm = try node.constantInts(1)
        try node.require(
            perm.count == input.shape.count && Set(perm) == Set(0..<input.shape.count),
            "permutation \(perm) does not fit rank \(input.shape.count)")
        return perm
    }

    static func inferShapes(_ node: Node) throws {
        let input = try node.input(0)
        try node.setOutputShape(0, try permutation(node).map { input.shape[$0] })
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        try node.require(input.type == output.type, "input is \(input.type), output \(output.type)")
        let perm = try permutation(node)
        let element = input.type.byteSize
        let inStrides = rowMajorStrides(input.shape)
        let outShape = perm.map { input.shape[$0] }
        var plan = CopyPlan()
        var index = [Int](repeating: 0, count: outShape.count)
        for o in 0..<output.elementCount {
            var source = 0
            for d in 0..<outShape.count { source += index[d] * inStrides[perm[d]] }
            plan.add(source: 0, sourceOffset: source * element, destinationOffset: o * element, byteCount: element)
            var d = outShape.count - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < outShape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
        return CopyKernel(sources: [UnsafeRawPointer(try node.inputData(0))], destinations: [(try node.outputData(0), plan)])
    }
}
