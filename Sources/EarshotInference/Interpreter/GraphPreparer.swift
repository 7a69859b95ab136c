/// Prepares a model for running: infers every tensor's shape from the input shapes,
/// resolves resource variables, plans the arena and builds the kernels. Runs once at
/// load and once per input resize, never per invocation.
final class GraphPreparer {
    let model: TFLiteModel
    let context: ExecutionContext
    private var inferred: Set<Int> = []
    private var callOnceCount = 0

    init(model: TFLiteModel, context: ExecutionContext) {
        self.model = model
        self.context = context
    }

    /// Shape inference for subgraph `g`, its inputs given `inputShapes` (declared shapes when nil).
    func inferSubgraph(_ g: Int, inputShapes: [[Int]]?) throws {
        let graph = context.subgraphs[g]
        guard !inferred.contains(g) else {
            throw InferenceError.invalid("subgraph \(g) is prepared twice")
        }
        inferred.insert(g)
        for (k, t) in graph.model.inputs.enumerated() {
            if let shapes = inputShapes {
                guard k < shapes.count else {
                    throw InferenceError.invalid(
                        "subgraph \(g): caller passes \(shapes.count) inputs, subgraph has \(graph.model.inputs.count)")
                }
                graph.tensors[t].shape = shapes[k]
            }
            graph.tensors[t].shapeKnown = true
        }
        for (n, op) in graph.model.operators.enumerated() {
            let node = Node(graph: graph, op: op, index: n, preparer: self)
            guard let definition = OperatorRegistry.definition(for: op.opcode) else {
                throw InferenceError.unsupported("\(node.path): operator \(op.opcode.name) is not supported")
            }
            try definition.inferShapes(node)
        }
        for (k, t) in graph.model.outputs.enumerated() where !graph.tensors[t].shapeKnown {
            throw InferenceError.invalid("subgraph \(g): output \(k) (tensor \(t)) is never produced")
        }
    }

    func nextCallOnceID() -> Int {
        defer { callOnceCount += 1 }
        return callOnceCount
    }

    /// Everything up to kernel construction. `mainInputShapes` overrides the main graph's
    /// declared input shapes.
    func prepare(mainInputShapes: [Int: [Int]], constants: [Int: UnsafeMutableRawPointer]) throws -> Int {
        // Start from declared shapes; constants are known.
        for graph in context.subgraphs {
            for (t, tensor) in graph.model.tensors.enumerated() {
                graph.tensors[t].shape = tensor.shape
                graph.tensors[t].shapeKnown = false
                graph.tensors[t].data = nil
                graph.tensors[t].constantBuffer = nil
                if tensor.buffer > 0, let pointer = constants[tensor.buffer] {
                    graph.tensors[t].constantBuffer = tensor.buffer
                    graph.tensors[t].data = pointer
                    graph.tensors[t].shapeKnown = true
                }
                if tensor.isVariable { graph.tensors[t].shapeKnown = true }
            }
            graph.resourceVariables = [:]
        }
        inferred = []
        callOnceCount = 0
        var mainShapes = context.subgraphs[0].model.inputs.map { context.subgraphs[0].model.tensors[$0].shape }
        for (k, shape) in mainInputShapes { mainShapes[k] = shape }
        try inferSubgraph(0, inputShapes: mainShapes)
        for g in context.subgraphs.indices where !inferred.contains(g) {
            try inferSubgraph(g, inputShapes: nil)
        }
        try resolveVariables()
        return try planArenaSize()
    }

    // MARK: Resource variables

    private func resolveVariables() throws {
        var ids: [String: Int] = [:]
        var variables: [ResourceVariable] = []
        for graph in context.subgraphs {
            for (n, op) in graph.model.operators.enumerated() {
                guard case .varHandle(let container, let sharedName) = op.options else { continue }
                let key = container + "\u{0}" + sharedName
                let id: Int
                if let existing = ids[key] {
                    id = existing
                } else {
                    id = variables.count
                    ids[key] = id
                    variables.append(
                        ResourceVariable(container: container, sharedName: sharedName, type: .resource, shape: [], byteCount: -1))
                }
                guard op.outputs.count == 1 else {
                    throw InferenceError.invalid("subgraph \(graph.index) operator \(n) (VAR_HANDLE): expects 1 output")
                }
                graph.resourceVariables[op.outputs[0]] = id
            }
        }
        // Each variable takes the type and size of the values assigned to it.
        for graph in context.subgraphs {
            for (n, op) in graph.model.operators.enumerated() where op.opcode == .assignVariable {
                let path = "subgraph \(graph.index) operator \(n) (ASSIGN_VARIABLE)"
                guard op.inputs.count == 2, let id = graph.resourceVariables[op.inputs[0]], op.inputs[1] >= 0 else {
                    throw InferenceError.unsupported("\(path): the resource must come from a VAR_HANDLE in the same subgraph")
                }
                let value = graph.tensors[op.inputs[1]]
                if variables[id].byteCount < 0 {
                    variables[id].type = value.type
                    variables[id].shape = value.shape
                    variables[id].byteCount = value.byteCount
                } else if variables[id].byteCount != value.byteCount || variables[id].type != value.type {
                    throw InferenceError.unsupported(
                        "\(path): variable \"\(variables[id].sharedName)\" is assigned \(value.type) \(value.shape) here but \(variables[id].type) \(variables[id].shape) elsewhere"
                    )
                }
            }
        }
        // Keep existing storage (and so state) when the layout is unchanged.
        let old = context.variables
        let sameLayout =
            old.count == variables.count
            && zip(old, variables).allSatisfy { $0.byteCount == $1.byteCount && $0.sharedName == $1.sharedName }
        if sameLayout {
            for i in variables.indices { variables[i].data = old[i].data }
        } else {
            for v in old { v.data?.deallocate() }
            for i in variables.indices {
                let size = max(variables[i].byteCount, 0)
                let p = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: ArenaPlanner.alignment)
                p.initializeMemory(as: UInt8.self, repeating: 0, count: max(size, 1))
                variables[i].data = p
            }
            context.variableAssigned = [Bool](repeating: false, count: variables.count)
        }
        context.variables = variables
    }

    // MARK: Arena

    private var plannedOffsets: [(graph: Int, tensor: Int, offset: Int)] = []

    private func planArenaSize() throws -> Int {
        plannedOffsets = []
        var base = 0
        for graph in context.subgraphs {
            let ops = graph.model.operators
            var first = [Int: Int]()
            var last = [Int: Int]()
            func needsStorage(_ t: Int) -> Bool {
                let tensor = graph.tensors[t]
                return !tensor.isConstant && tensor.type != .resource
            }
            for t in graph.model.inputs where needsStorage(t) {
                first[t] = -1
                last[t] = max(last[t] ?? -1, -1)
            }
            for (n, op) in ops.enumerated() {
                for t in op.outputs where needsStorage(t) {
                    if first[t] == nil { first[t] = n }
                    last[t] = max(last[t] ?? n, n)
                }
                for t in op.inputs where t >= 0 && needsStorage(t) {
                    if first[t] == nil { first[t] = -1 }
                    last[t] = max(last[t] ?? n, n)
                }
            }
            for t in graph.model.outputs where needsStorage(t) {
                if first[t] == nil { first[t] = -1 }
                last[t] = ops.count
            }
            // Legacy variable tensors persist: give them the whole run, so nothing reuses them.
            for (t, tensor) in graph.tensors.enumerated() where tensor.isVariable && needsStorage(t) {
                first[t] = -1
                last[t] = ops.count
            }
            let requests = first.keys.sorted().map { t in
                ArenaPlanner.Request(tensor: t, size: graph.tensors[t].byteCount, first: first[t]!, last: last[t]!)
            }
            let (offsets, size) = ArenaPlanner.plan(requests)
            for (r, request) in requests.enumerated() {
                plannedOffsets.append((graph.index, request.tensor, base + offsets[r]))
            }
            base += size
        }
        return base
    }

    /// Binds tensors to the arena and builds every kernel.
    func bindAndBuild(arena: UnsafeMutableRawPointer) throws {
        callOnceCount = 0
        for (g, t, offset) in plannedOffsets {
            context.subgraphs[g].tensors[t].data = arena + offset
        }
        for graph in context.subgraphs {
            var kernels: [any Kernel] = []
            var opcodes: [BuiltinOperator] = []
            kernels.reserveCapacity(graph.model.operators.count)
            for (n, op) in graph.model.operators.enumerated() {
                let node = Node(graph: graph, op: op, index: n, preparer: self)
                guard let definition = OperatorRegistry.definition(for: op.opcode) else {
                    throw InferenceError.unsupported("\(node.path): operator \(op.opcode.name) is not supported")
                }
                let kernel = try definition.makeKernel(node)
                // Operators with nothing to do at run time (VAR_HANDLE) are left out of the run list.
                if !(kernel is NoOpKernel) {
                    kernels.append(kernel)
                    opcodes.append(op.opcode)
                }
            }
            graph.kernels = kernels
            graph.kernelOpcodes = opcodes
        }
        if context.callOnceDone.count != callOnceCount {
            context.callOnceDone = [Bool](repeating: false, count: callOnceCount)
        }
    }
}
