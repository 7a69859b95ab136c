/// VAR_HANDLE: resolved at load (each handle tensor maps to a variable by container and
/// shared name), so it does nothing at run time.
enum VarHandleOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 0...0, outputs: 1...1)
        try node.require(try node.output(0).type == .resource, "output must be a RESOURCE tensor")
        try node.setOutputShape(0, [])
    }

    static func makeKernel(_ node: Node) throws -> any Kernel { NoOpKernel() }
}

/// READ_VARIABLE: copies a variable's value into the output tensor.
enum ReadVariableOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        try node.setOutputShape(0, try node.output(0).shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        guard let id = node.graph.resourceVariables[try node.inputIndex(0)] else {
            throw InferenceError.unsupported("\(node.path): the resource must come from a VAR_HANDLE in the same subgraph")
        }
        let variable = node.preparer.context.variables[id]
        let output = try node.output(0)
        try node.require(variable.byteCount >= 0, "variable \"\(variable.sharedName)\" is read but never assigned")
        try node.require(
            output.type == variable.type && output.byteCount == variable.byteCount,
            "output \(output.type) \(output.shape) does not match variable \"\(variable.sharedName)\" (\(variable.type) \(variable.shape))")
        return ReadVariableKernel(
            id: id, source: variable.data!, destination: try node.outputData(0), byteCount: variable.byteCount, name: variable.sharedName)
    }
}

final class ReadVariableKernel: Kernel {
    let id: Int
    let source: UnsafeRawPointer
    let destination: UnsafeMutableRawPointer
    let byteCount: Int
    let name: String

    init(id: Int, source: UnsafeMutableRawPointer, destination: UnsafeMutableRawPointer, byteCount: Int, name: String) {
        self.id = id
        self.source = UnsafeRawPointer(source)
        self.destination = destination
        self.byteCount = byteCount
        self.name = name
    }

    func invoke(_ context: ExecutionContext) throws {
        guard context.variableAssigned[id] else {
            throw InferenceError(.runtimeFailure, "READ_VARIABLE: variable \"\(name)\" is read before it is assigned")
        }
        destination.copyMemory(from: source, byteCount: byteCount)
    }
}

/// ASSIGN_VARIABLE: copies the value tensor into the variable's storage.
enum AssignVariableOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 2...2, outputs: 0...0)
        _ = try node.input(1)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        guard let id = node.graph.resourceVariables[try node.inputIndex(0)] else {
            throw InferenceError.unsupported("\(node.path): the resource must come from a VAR_HANDLE in the same subgraph")
        }
        let variable = node.preparer.context.variables[id]
        let value = try node.input(1)
        try node.require(value.byteCount == variable.byteCount, "value size differs from the variable's")
        return AssignVariableKernel(id: id, source: try node.inputData(1), destination: variable.data!, byteCount: variable.byteCount)
    }
}

final class AssignVariableKernel: Kernel {
    let id: Int
    let source: UnsafeRawPointer
    let destination: UnsafeMutableRawPointer
    let byteCount: Int

    init(id: Int, source: UnsafeMutableRawPointer, destination: UnsafeMutableRawPointer, byteCount: Int) {
        self.id = id
        self.source = UnsafeRawPointer(source)
        self.destination = destination
        self.byteCount = byteCount
    }

    func invoke(_ context: ExecutionContext) throws {
        destination.copyMemory(from: source, byteCount: byteCount)
        context.variableAssigned[id] = true
    }
}

/// CALL_ONCE: runs its initialization subgraph on the first invocation after load or reset.
enum CallOnceOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 0...0, outputs: 0...0)
        guard case .callOnce(let initSubgraph) = node.op.options else { throw node.fail("missing CallOnceOptions") }
        let graph = node.preparer.context.subgraphs[initSubgraph]
        try node.require(graph.model.inputs.isEmpty && graph.model.outputs.isEmpty, "the init subgraph must have no inputs or outputs")
        try node.preparer.inferSubgraph(initSubgraph, inputShapes: [])
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        guard case .callOnce(let initSubgraph) = node.op.options else { throw node.fail("missing CallOnceOptions") }
        return CallOnceKernel(id: node.preparer.nextCallOnceID(), subgraph: node.preparer.context.subgraphs[initSubgraph])
    }
}

final class CallOnceKernel: Kernel {
    let id: Int
    unowned let subgraph: SubgraphState

    init(id: Int, subgraph: SubgraphState) {
        self.id = id
        self.subgraph = subgraph
    }

    func invoke(_ context: ExecutionContext) throws {
        if context.callOnceDone[id] { return }
        try subgraph.run(context)
        context.callOnceDone[id] = true
    }
}
