/// A tensor as the model file declares it.
struct ModelTensor: Sendable {
    var name: String
    var type: TensorType
    var shape: [Int]
    /// Shape with -1 for dimensions that are set at run time (empty when not given).
    var shapeSignature: [Int]
    /// Index into the model's buffers; buffer 0 is the empty sentinel.
    var buffer: Int
    var quantization: QuantizationParameters?
    var isVariable: Bool
}
