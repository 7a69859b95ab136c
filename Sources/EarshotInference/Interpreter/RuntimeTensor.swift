/// A tensor as the interpreter holds it: the model's declaration plus the shape worked out
/// for the current input shapes and, once memory is planned, where its data lives.
struct RuntimeTensor {
    var name: String
    var type: TensorType
    var shape: [Int]
    var quantization: QuantizationParameters?
    /// Index of the constant buffer holding the data, or nil for computed tensors.
    var constantBuffer: Int?
    var isVariable: Bool
    /// Whether shape inference has produced (or the model supplied) a shape.
    var shapeKnown: Bool
    /// Start of the data: inside the constant region, the arena or the persistent region.
    var data: UnsafeMutableRawPointer?

    var isConstant: Bool { constantBuffer != nil }
    var elementCount: Int { shape.reduce(1, *) }
    var byteCount: Int { elementCount * type.byteSize }
    var scale: Float { quantization?.scale ?? 0 }
    var zeroPoint: Int32 { quantization?.zeroPoint ?? 0 }

    var info: TensorInfo { TensorInfo(name: name, type: type, shape: shape, quantization: quantization) }
}
