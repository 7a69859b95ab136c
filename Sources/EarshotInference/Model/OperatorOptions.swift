/// Padding scheme of convolutions and pools.
enum Padding: UInt8, Sendable {
    case same = 0
    case valid = 1
}

/// Activation fused into an operator (the schema's `ActivationFunctionType`).
enum FusedActivation: Int8, Sendable {
    case none = 0
    case relu = 1
    case reluN1To1 = 2
    case relu6 = 3
    case tanh = 4
    case signBit = 5
}

/// The builtin options of an operator, decoded at load for the operators we run.
enum OperatorOptions: Sendable {
    case none
    case conv2D(padding: Padding, strideW: Int, strideH: Int, activation: FusedActivation, dilationW: Int, dilationH: Int)
    case depthwiseConv2D(
        padding: Padding, strideW: Int, strideH: Int, depthMultiplier: Int, activation: FusedActivation,
        dilationW: Int, dilationH: Int)
    case pool2D(padding: Padding, strideW: Int, strideH: Int, filterW: Int, filterH: Int, activation: FusedActivation)
    case fullyConnected(activation: FusedActivation, keepNumDims: Bool)
    case softmax(beta: Float)
    case concatenation(axis: Int, activation: FusedActivation)
    case activation(FusedActivation)
    case reshape(newShape: [Int32]?)
    case squeeze(dims: [Int32])
    case stridedSlice(beginMask: Int32, endMask: Int32, ellipsisMask: Int32, newAxisMask: Int32, shrinkAxisMask: Int32, offset: Bool)
    case reducer(keepDims: Bool)
    case leakyRelu(alpha: Float)
    case splitV(numSplits: Int)
    case batchMatMul(adjX: Bool, adjY: Bool)
    case ifBranches(thenSubgraph: Int, elseSubgraph: Int)
    case callOnce(initSubgraph: Int)
    case varHandle(container: String, sharedName: String)
}
