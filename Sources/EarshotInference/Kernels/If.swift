/// IF: runs the then- or else-subgraph on the remaining inputs, chosen by a boolean (or
/// numeric, non-zero) scalar condition; subgraph inputs and outputs are copied.
enum IfOperator: OperatorDefinition {
    static func branches(_ node: Node) throws -> (Int, Int) {
        try node.require(node.inputCount >= 1, "needs a condition input")
        guard case .ifBranches(let thenGraph, let elseGraph) = node.op.options else { throw node.fail("missing IfOptions") }
        return (thenGraph, elseGraph)
    }

    static func inferShapes(_ node: Node) throws {
        let (thenGraph, elseGraph) = try branches(node)
        let condition = try node.input(0)
        try node.require(condition.elementCount == 1, "condition must hold one element, has shape \(condition.shape)")
        let shapes = try (1..<node.inputCount).map { try node.input($0).shape }
        for g in [thenGraph, elseGraph] {
            let graph = node.preparer.context.subgraphs[g]
            try node.require(
                graph.model.inputs.count == shapes.count,
                "subgraph \(g) takes \(graph.model.inputs.count) inputs, IF passes \(shapes.count)")
            try node.require(
                graph.model.outputs.count == node.outputCount,
                "subgraph \(g) has \(graph.model.outputs.count) outputs, IF \(node.outputCount)")
            try node.preparer.inferSubgraph(g, inputShapes: shapes)
        }
        let thenState = node.preparer.context.subgraphs[thenGraph]
        let elseState = node.preparer.context.subgraphs[elseGraph]
        for k in 0..<node.outputCount {
            let a = thenState.tensors[thenState.model.outputs[k]]
            let b = elseState.tensors[elseState.model.outputs[k]]
            try node.require(
                a.shape == b.shape && a.type == b.type, "branches disagree on output \(k): \(a.type) \(a.shape) vs \(b.type) \(b.shape)")
            try node.setOutputShape(k, a.shape)
        }
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let (thenGraph, elseGraph) = try branches(node)
        let condition = try node.input(0)
        try node.requireType(condition, [.bool, .int32, .float32, .int8, .uint8], "condition")
        var branches: [IfKernel.Branch] = []
        for g in [thenGraph, elseGraph] {
            let graph = node.preparer.context.subgraphs[g]
            var inputs: [(UnsafeRawPointer, UnsafeMutableRawPointer, Int)] = []
            for k in 1..<node.inputCount {
                let source = try node.input(k)
                let target = graph.tensors[graph.model.inputs[k - 1]]
                try node.require(
                    source.type == target.type && source.byteCount == target.byteCount,
                    "input \(k) \(source.type) \(source.shape) does not match subgraph \(g) input \(target.type) \(target.shape)")
                guard let to = target.data else { continue }
                inputs.append((UnsafeRawPointer(try node.inputData(k)), to, source.byteCount))
            }
            var outputs: [(UnsafeRawPointer, UnsafeMutableRawPointer, Int)] = []
            for k in 0..<node.outputCount {
                let source = graph.tensors[graph.model.outputs[k]]
                let target = try node.output(k)
                try node.require(
                    source.byteCount == target.byteCount && source.type == target.type, "output \(k) size differs from subgraph \(g)'s")
                guard let from = source.data else { continue }
                outputs.append((UnsafeRawPointer(from), try node.outputData(k), target.byteCount))
            }
            branches.append(IfKernel.Branch(subgraph: graph, inputs: inputs, outputs: outputs))
        }
        return IfKernel(condition: UnsafeRawPointer(try node.inputData(0)), type: condition.type, then: branches[0], else: branches[1])
    }
}

final class IfKernel: Kernel {
    struct Branch {
        unowned let subgraph: SubgraphState
        let inputs: [(UnsafeRawPointer, UnsafeMutableRawPointer, Int)]
        let outputs: [(UnsafeRawPointer, UnsafeMutableRawPointer, Int)]
    }

    let condition: UnsafeRawPointer
    let type: TensorType
    let thenBranch: Branch
    let elseBranch: Branch

    init(condition: UnsafeRawPointer, type: TensorType, then: Branch, else: Branch) {
        self.condition = condition
        self.type = type
        self.thenBranch = then
        self.elseBranch = `else`
    }

    func invoke(_ context: ExecutionContext) throws {
        let taken: Bool
        switch type {
        case .int32: taken = condition.loadUnaligned(as: Int32.self) != 0
        case .float32: taken = condition.loadUnaligned(as: Float.self) != 0
        default: taken = condition.load(as: UInt8.self) != 0
        }
        let branch = taken ? thenBranch : elseBranch
        for (from, to, count) in branch.inputs { to.copyMemory(from: from, byteCount: count) }
        try branch.subgraph.run(context)
        for (from, to, count) in branch.outputs { to.copyMemory(from: from, byteCount: count) }
    }
}
