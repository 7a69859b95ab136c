/// Name, type, shape and quantization of a model input or output.
public struct TensorInfo: Sendable, Equatable {
    /// The tensor's name in the model.
    public var name: String
    /// The element type.
    public var type: TensorType
    /// The current shape (row-major dimensions).
    public var shape: [Int]
    /// Affine quantization, for quantized tensors.
    public var quantization: QuantizationParameters?

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Number of bytes.
    public var byteCount: Int { elementCount * type.byteSize }

    init(_ tensor: ModelTensor) {
        self.init(name: tensor.name, type: tensor.type, shape: tensor.shape, quantization: tensor.quantization)
    }

    init(name: String, type: TensorType, shape: [Int], quantization: QuantizationParameters?) {
        self.name = name
        self.type = type
        self.shape = shape
        self.quantization = quantization
    }
}
