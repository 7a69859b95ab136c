/// Runs a ``TFLiteModel``.
///
/// Creating an interpreter infers every tensor's shape, plans one arena for all computed
/// tensors and prepares every kernel (quantization multipliers, lookup tables, bound data
/// pointers). ``invoke()`` then runs the graph without allocating. Resource variables
/// (VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE) keep their values from one invocation to
/// the next until ``resetVariables()``; CALL_ONCE initializers run on the first invocation
/// after creation or reset.
///
/// ```swift
/// let interpreter = try Interpreter(model: model)
/// try interpreter.setInput(0, int8: window)
/// try interpreter.invoke()
/// let probability = interpreter.outputBytes(0)[0]
/// ```
///
/// An interpreter is not safe to use from several threads at once; give each thread its own
/// (they can share the model).
public final class Interpreter {
    /// The model this interpreter runs.
    public let model: TFLiteModel
    private let context = ExecutionContext()
    private let preparer: GraphPreparer
    private var constantRegion: UnsafeMutableRawPointer?
    private var arena: UnsafeMutableRawPointer?
    private var inputShapes: [Int: [Int]] = [:]
    /// The largest arena an interpreter plans (1 GiB); larger needs are rejected as invalid.
    public static let maximumArenaByteCount = 1 << 30

    /// Size in bytes of the planned arena (computed tensors of all subgraphs).
    public private(set) var arenaByteCount = 0

    /// Options for an interpreter.
    public struct Options: Sendable, Equatable {
        /// The requantization arithmetic of quantized kernels (default: as the official
        /// LiteRT runtime computes it).
        public var rounding: RequantizationRounding

        /// Creates options.
        public init(rounding: RequantizationRounding = .liteRT) {
            self.rounding = rounding
        }
    }

    /// The options this interpreter was created with.
    public let options: Options

    /// Prepares `model` for running.
    /// - Parameters:
    ///   - model: the model to run.
    ///   - options: arithmetic options.
    /// - Throws: ``InferenceError`` when shapes, types or quantization do not fit together.
    public init(model: TFLiteModel, options: Options = Options()) throws {
        self.model = model
        self.options = options
        context.rounding = options.rounding
        context.subgraphs = model.subgraphs.enumerated().map { SubgraphState(index: $0.offset, model: $0.element) }
        preparer = GraphPreparer(model: model, context: context)
        try copyConstants()
        try prepare()
    }

    deinit {
        constantRegion?.deallocate()
        arena?.deallocate()
        for v in context.variables { v.data?.deallocate() }
    }

    private var constantPointers: [Int: UnsafeMutableRawPointer] = [:]

    private func copyConstants() throws {
        var used = Set<Int>()
        for graph in model.subgraphs {
            for tensor in graph.tensors where tensor.buffer > 0 && !model.buffers[tensor.buffer].isEmpty {
                used.insert(tensor.buffer)
            }
        }
        let order = used.sorted()
        var offsets: [Int: Int] = [:]
        var total = 0
        for b in order {
            offsets[b] = total
            total += ArenaPlanner.align(model.buffers[b].count)
        }
        let region = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: ArenaPlanner.alignment)
        constantRegion = region
        // Zero-element constants (an empty shape operand) have no bytes but are constants all the same.
        for graph in model.subgraphs {
            for tensor in graph.tensors
            where tensor.buffer > 0 && model.buffers[tensor.buffer].isEmpty && tensor.shape.contains(0) {
                constantPointers[tensor.buffer] = region
            }
        }
        for b in order {
            let bytes = model.buffers[b]
            let destination = region + offsets[b]!
            bytes.withUnsafeBytes { source in
                destination.copyMemory(from: source.baseAddress!, byteCount: source.count)
            }
            constantPointers[b] = destination
        }
    }

    private func prepare() throws {
        let size = try preparer.prepare(mainInputShapes: inputShapes, constants: constantPointers)
        guard size <= Self.maximumArenaByteCount else {
            throw InferenceError.invalid("the model needs a \(size)-byte arena, more than the \(Self.maximumArenaByteCount)-byte limit")
        }
        arena?.deallocate()
        let newArena = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: ArenaPlanner.alignment)
        newArena.initializeMemory(as: UInt8.self, repeating: 0, count: max(size, 1))
        arena = newArena
        arenaByteCount = size
        try preparer.bindAndBuild(arena: newArena)
        resetLegacyVariableTensors()
    }

    // MARK: Inputs and outputs

    private var main: SubgraphState { context.subgraphs[0] }
    var mainGraph: SubgraphState { context.subgraphs[0] }
    var executionContext: ExecutionContext { context }

    /// Number of inputs of the main graph.
    public var inputCount: Int { main.model.inputs.count }
    /// Number of outputs of the main graph.
    public var outputCount: Int { main.model.outputs.count }

    private func inputTensor(_ index: Int) throws -> RuntimeTensor {
        guard index >= 0, index < inputCount else {
            throw InferenceError(.invalidArgument, "input index \(index) out of range (\(inputCount) inputs)")
        }
        return main.tensors[main.model.inputs[index]]
    }

    private func outputTensor(_ index: Int) throws -> RuntimeTensor {
        guard index >= 0, index < outputCount else {
            throw InferenceError(.invalidArgument, "output index \(index) out of range (\(outputCount) outputs)")
        }
        return main.tensors[main.model.outputs[index]]
    }

    /// Name, type, current shape and quantization of input `index`.
    public func input(_ index: Int) throws -> TensorInfo { try inputTensor(index).info }

    /// Name, type, current shape and quantization of output `index`.
    public func output(_ index: Int) throws -> TensorInfo { try outputTensor(index).info }

    /// Calls `body` with the writable bytes of input `index` (valid only inside `body`).
    public func withInputBytes<R>(_ index: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
        let t = try inputTensor(index)
        return try body(UnsafeMutableRawBufferPointer(start: t.data, count: t.data == nil ? 0 : t.byteCount))
    }

    /// Calls `body` with the bytes of output `index` (valid only inside `body`).
    public func withOutputBytes<R>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        let t = try outputTensor(index)
        return try body(UnsafeRawBufferPointer(start: t.data, count: t.data == nil ? 0 : t.byteCount))
    }

    /// Copies raw bytes into input `index`; their count must equal the tensor's byte count.
    public func setInput(_ index: Int, bytes: UnsafeRawBufferPointer) throws {
        let t = try inputTensor(index)
        guard bytes.count == t.byteCount else {
            throw InferenceError(.invalidArgument, "input \(index) (\"\(t.name)\") takes \(t.byteCount) bytes, got \(bytes.count)")
        }
        if let base = bytes.baseAddress, let data = t.data { data.copyMemory(from: base, byteCount: bytes.count) }
    }

    /// Copies int8 values into an INT8 input.
    public func setInput(_ index: Int, int8 values: [Int8]) throws {
        try requireType(try inputTensor(index), .int8, "input \(index)")
        try values.withUnsafeBytes { try setInput(index, bytes: $0) }
    }

    /// Copies float values into a FLOAT32 input.
    public func setInput(_ index: Int, float values: [Float]) throws {
        try requireType(try inputTensor(index), .float32, "input \(index)")
        try values.withUnsafeBytes { try setInput(index, bytes: $0) }
    }

    private func requireType(_ t: RuntimeTensor, _ type: TensorType, _ what: String) throws {
        guard t.type == type else {
            throw InferenceError(.invalidArgument, "\(what) (\"\(t.name)\") is \(t.type), not \(type)")
        }
    }

    /// A copy of the bytes of output `index`.
    public func outputBytes(_ index: Int) throws -> [UInt8] {
        try withOutputBytes(index) { [UInt8]($0) }
    }

    /// A copy of a FLOAT32 output's values.
    public func outputFloats(_ index: Int) throws -> [Float] {
        try requireType(try outputTensor(index), .float32, "output \(index)")
        return try withOutputBytes(index) { Array($0.bindMemory(to: Float.self)) }
    }

    /// Output `index` as real values: FLOAT32 as is, quantized types dequantized with the
    /// tensor's scale and zero point.
    public func dequantizedOutput(_ index: Int) throws -> [Float] {
        let t = try outputTensor(index)
        let bytes = try outputBytes(index)
        switch t.type {
        case .float32: return try outputFloats(index)
        case .uint8: return bytes.map { (Float(Int32($0)) - Float(t.zeroPoint)) * t.scale }
        case .int8: return bytes.map { (Float(Int32(Int8(bitPattern: $0))) - Float(t.zeroPoint)) * t.scale }
        default: throw InferenceError(.invalidArgument, "output \(index) (\"\(t.name)\") is \(t.type), not a real-valued type")
        }
    }

    // MARK: Running

    /// Runs the model once on the current inputs.
    /// - Throws: ``InferenceError`` with code `runtimeFailure` if a kernel fails.
    public func invoke() throws {
        try main.run(context)
    }

    /// Returns every resource variable and variable tensor to its initial state: the next
    /// ``invoke()`` runs the CALL_ONCE initializers again, as a freshly created interpreter would.
    public func resetVariables() {
        for i in context.callOnceDone.indices { context.callOnceDone[i] = false }
        for i in context.variableAssigned.indices { context.variableAssigned[i] = false }
        for v in context.variables where v.byteCount > 0 {
            v.data?.initializeMemory(as: UInt8.self, repeating: 0, count: v.byteCount)
        }
        resetLegacyVariableTensors()
    }

    private func resetLegacyVariableTensors() {
        for graph in context.subgraphs {
            for tensor in graph.tensors where tensor.isVariable {
                guard let data = tensor.data else { continue }
                if tensor.type == .int8 {
                    data.initializeMemory(as: Int8.self, repeating: Int8(truncatingIfNeeded: tensor.zeroPoint), count: tensor.elementCount)
                } else {
                    data.initializeMemory(as: UInt8.self, repeating: 0, count: tensor.byteCount)
                }
            }
        }
    }

    /// Sets the shape of input `index` (for inputs whose size is chosen at run time) and
    /// re-plans memory once. Input contents are not kept; variables are.
    /// - Throws: ``InferenceError`` if the graph cannot run with that shape; the
    ///   interpreter then keeps its previous shapes.
    public func resizeInput(_ index: Int, shape: [Int]) throws {
        let t = try inputTensor(index)
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw InferenceError(.invalidArgument, "input \(index) (\"\(t.name)\"): negative dimension in \(shape)")
        }
        if t.shape == shape { return }
        let previous = inputShapes
        inputShapes[index] = shape
        do {
            try prepare()
        } catch {
            inputShapes = previous
            try? prepare()
            throw error
        }
    }
}

extension Interpreter {
    /// The current bytes of any tensor (for tests and debugging).
    func tensorBytes(subgraph: Int, tensor: Int) -> [UInt8] {
        let t = context.subgraphs[subgraph].tensors[tensor]
        guard let data = t.data else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: data, count: t.byteCount))
    }
}
