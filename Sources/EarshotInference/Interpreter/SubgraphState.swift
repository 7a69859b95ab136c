/// The tensors and prepared kernels of one subgraph.
final class SubgraphState {
    let index: Int
    let model: ModelSubgraph
    var tensors: [RuntimeTensor]
    var kernels: [any Kernel] = []
    /// The operator of each kernel in ``kernels``.
    var kernelOpcodes: [BuiltinOperator] = []
    /// Variable id of each resource tensor produced by VAR_HANDLE in this subgraph.
    var resourceVariables: [Int: Int] = [:]

    init(index: Int, model: ModelSubgraph) {
        self.index = index
        self.model = model
        self.tensors = model.tensors.map { tensor in
            RuntimeTensor(
                name: tensor.name, type: tensor.type, shape: tensor.shape, quantization: tensor.quantization,
                constantBuffer: nil, isVariable: tensor.isVariable, shapeKnown: false, data: nil)
        }
    }

    /// Runs the prepared kernels in order.
    @inline(__always)
    func run(_ context: ExecutionContext) throws {
        for kernel in kernels {
            try kernel.invoke(context)
        }
    }
}
