/// Affine quantization of a tensor: `real = scale * (quantized - zeroPoint)`, per tensor
/// (one scale) or per channel along ``quantizedDimension``.
public struct QuantizationParameters: Sendable, Equatable {
    /// One scale per tensor, or one per channel.
    public var scales: [Float]
    /// Zero points, matching ``scales`` in count.
    public var zeroPoints: [Int64]
    /// The dimension that per-channel scales run along.
    public var quantizedDimension: Int

    /// Creates quantization parameters.
    public init(scales: [Float], zeroPoints: [Int64], quantizedDimension: Int = 0) {
        self.scales = scales
        self.zeroPoints = zeroPoints
        self.quantizedDimension = quantizedDimension
    }

    /// The per-tensor scale (the first one).
    public var scale: Float { scales.first ?? 0 }
    /// The per-tensor zero point (the first one), as TFLite stores it in a tensor's params.
    public var zeroPoint: Int32 { Int32(truncatingIfNeeded: zeroPoints.first ?? 0) }
}
