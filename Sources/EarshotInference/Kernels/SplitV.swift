/// SPLIT_V: splits a tensor along an axis into pieces of the given sizes (one may be -1).
enum SplitVOperator: OperatorDefinition {
    static func geometry(_ node: Node) throws -> (axis: Int, sizes: [Int]) {
        try node.requireCounts(inputs: 3...3, outputs: 1...4096)
        let input = try node.input(0)
        let axisValues = try node.constantInts(2)
        try node.require(axisValues.count == 1, "axis must hold one value")
        let axis = axisValues[0] < 0 ? axisValues[0] + input.shape.count : axisValues[0]
        try node.require(axis >= 0 && axis < input.shape.count, "axis \(axisValues[0]) out of range for shape \(input.shape)")
        var sizes = try node.constantInts(1)
        try node.require(sizes.count == node.outputCount, "\(sizes.count) sizes for \(node.outputCount) outputs")
        let wildcards = sizes.filter { $0 == -1 }.count
        try node.require(wildcards <= 1 && sizes.allSatisfy { $0 >= -1 }, "split sizes \(sizes) are invalid")
        let known = sizes.filter { $0 != -1 }.reduce(0, +)
        if wildcards == 1 {
            try node.require(known <= input.shape[axis], "split sizes \(sizes) exceed dimension \(input.shape[axis])")
            sizes = sizes.map { $0 == -1 ? input.shape[axis] - known : $0 }
        }
        try node.require(sizes.reduce(0, +) == input.shape[axis], "split sizes \(sizes) do not add up to dimension \(input.shape[axis])")
        return (axis, sizes)
    }

    static func inferShapes(_ node: Node) throws {
        let input = try node.input(0)
        let (axis, sizes) = try geometry(node)
        for (k, size) in sizes.enumerated() {
            var shape = input.shape
            shape[axis] = size
            try node.setOutputShape(k, shape)
        }
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let (axis, sizes) = try geometry(node)
        let element = input.type.byteSize
        let outer = input.shape[..<axis].reduce(1, *)
        let inner = input.shape[(axis + 1)...].reduce(1, *)
        let rowBytes = input.shape[axis] * inner * element
        var destinations: [(UnsafeMutableRawPointer, CopyPlan)] = []
        var start = 0
        for (k, size) in sizes.enumerated() {
            let output = try node.output(k)
            try node.require(output.type == input.type, "output \(k) is \(output.type), input \(input.type)")
            let bytes = size * inner * element
            var plan = CopyPlan()
            for o in 0..<outer {
                plan.add(source: 0, sourceOffset: o * rowBytes + start * inner * element, destinationOffset: o * bytes, byteCount: bytes)
            }
            destinations.append((try node.outputData(k), plan))
            start += size
        }
        return CopyKernel(sources: [UnsafeRawPointer(try node.inputData(0))], destinations: destinations)
    }
}
