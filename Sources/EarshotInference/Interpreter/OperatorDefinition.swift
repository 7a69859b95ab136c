/// How one operator is prepared: shape inference (run before memory is planned) and
/// kernel construction (after, when every tensor has its storage).
protocol OperatorDefinition {
    static func inferShapes(_ node: Node) throws
    static func makeKernel(_ node: Node) throws -> any Kernel
}

enum OperatorRegistry {
    static func definition(for opcode: BuiltinOperator) -> (any OperatorDefinition.Type)? {
        switch opcode {
        case .conv2D: return Conv2DOperator.self
        case .depthwiseConv2D: return DepthwiseConv2DOperator.self
        case .fullyConnected: return FullyConnectedOperator.self
        case .concatenation: return ConcatenationOperator.self
        case .stridedSlice: return StridedSliceOperator.self
        case .splitV: return SplitVOperator.self
        case .reshape, .squeeze, .expandDims: return ReshapeOperator.self
        case .logistic: return LogisticOperator.self
        case .quantize: return QuantizeOperator.self
        case .dequantize: return DequantizeOperator.self
        case .varHandle: return VarHandleOperator.self
        case .readVariable: return ReadVariableOperator.self
        case .assignVariable: return AssignVariableOperator.self
        case .callOnce: return CallOnceOperator.self
        case .add, .sub, .mul, .maximum, .minimum, .greaterEqual: return ElementwiseOperator.self
        case .log, .rsqrt, .leakyRelu: return UnaryOperator.self
        case .mean, .reduceMax: return ReduceOperator.self
        case .averagePool2D, .maxPool2D: return Pool2DOperator.self
        case .pad: return PadOperator.self
        case .transpose: return TransposeOperator.self
        case .batchMatMul: return BatchMatMulOperator.self
        case .softmax: return SoftmaxOperator.self
        case .if: return IfOperator.self
        default: return nil
        }
    }
}
