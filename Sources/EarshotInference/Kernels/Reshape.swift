/// RESHAPE, SQUEEZE and EXPAND_DIMS: same data, new shape (copied, as tensors do not alias).
enum ReshapeOperator: OperatorDefinition {
    static func outputShape(_ node: Node) throws -> [Int] {
        let input = try node.input(0)
        switch node.op.opcode {
        case .squeeze:
            try node.requireCounts(inputs: 1...1, outputs: 1...1)
            guard case .squeeze(let dims) = node.op.options else { return input.shape.filter { $0 != 1 } }
            if dims.isEmpty { return input.shape.filter { $0 != 1 } }
            var drop = Set<Int>()
            for d in dims {
                let axis = d < 0 ? Int(d) + input.shape.count : Int(d)
                try node.require(
                    axis >= 0 && axis < input.shape.count && input.shape[axis] == 1,
                    "cannot squeeze dimension \(d) of shape \(input.shape)")
                drop.insert(axis)
            }
            return input.shape.enumerated().filter { !drop.contains($0.offset) }.map(\.element)
        case .expandDims:
            try node.requireCounts(inputs: 2...2, outputs: 1...1)
            let axisValues = try node.constantInts(1)
            try node.require(axisValues.count == 1, "axis must hold one value")
            var axis = axisValues[0]
            if axis < 0 { axis += input.shape.count + 1 }
            try node.require(axis >= 0 && axis <= input.shape.count, "axis \(axisValues[0]) out of range for shape \(input.shape)")
            var shape = input.shape
            shape.insert(1, at: axis)
            return shape
        default:
            try node.requireCounts(inputs: 1...2, outputs: 1...1)
            var requested: [Int]
            if node.hasInput(1), (try? node.input(1).isConstant) == true, try node.input(1).shape.count == 1 {
                requested = try node.constantInts(1)
            } else if case .reshape(let newShape?) = node.op.options {
                requested = newShape.map(Int.init)
            } else {
                requested = try node.output(0).shape
            }
            if node.hasInput(1), try !node.input(1).isConstant {
                throw node.fail("the shape operand must be constant")
            }
            let wildcards = requested.filter { $0 == -1 }.count
            try node.require(wildcards <= 1 && requested.allSatisfy { $0 >= -1 }, "new shape \(requested) is invalid")
            guard let known = Node.checkedProduct(requested.filter { $0 != -1 }) else {
                throw node.fail("new shape \(requested) is too large")
            }
            if wildcards == 1 {
                try node.require(known > 0 && input.elementCount % known == 0, "cannot reshape \(input.shape) to \(requested)")
                requested = requested.map { $0 == -1 ? input.elementCount / known : $0 }
            }
            try node.require(
                Node.checkedProduct(requested) == input.elementCount,
                "cannot reshape \(input.shape) (\(input.elementCount) elements) to \(requested)")
            return requested
        }
    }

    static func inferShapes(_ node: Node) throws {
        try node.setOutputShape(0, try outputShape(node))
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        try node.require(input.type == output.type, "input is \(input.type) but output is \(output.type)")
        var plan = CopyPlan()
        plan.add(source: 0, sourceOffset: 0, destinationOffset: 0, byteCount: output.byteCount)
        return CopyKernel(sources: [UnsafeRawPointer(try node.inputData(0))], destinations: [(try node.outputData(0), plan)])
    }
}
