/// Which of TFLite's `MultiplyByQuantizedMultiplier` variants quantized kernels use.
///
/// TFLite computes requantization in two ways: gemmlowp's double rounding
/// (`SaturatingRoundingDoublingHighMul`, then `RoundingDivideByPOT`) in its reference
/// kernels, and a single rounding of the 64-bit product in ruy (the matrix-multiply backend
/// behind FULLY_CONNECTED and BATCH_MATMUL) and in builds with `TFLITE_SINGLE_ROUNDING`.
public enum RequantizationRounding: Sendable, Equatable {
    /// What the official runtime (`ai-edge-litert`, reference op resolver) computes:
    /// double rounding in convolutions and element-wise kernels, single rounding in
    /// FULLY_CONNECTED (which runs through ruy). The default; bit-exact against the
    /// reference fixtures.
    case liteRT
    /// Double rounding everywhere (TFLite Micro, older TFLite).
    case double
    /// Single rounding everywhere (`TFLITE_SINGLE_ROUNDING` builds).
    case single

    /// Variant used by convolution and element-wise kernels.
    var elementwise: MultiplierRounding { self == .single ? .single : .double }
    /// Variant used by matrix-multiply-backed kernels.
    var matrixMultiply: MultiplierRounding { self == .double ? .double : .single }
}

/// One of the two `MultiplyByQuantizedMultiplier` implementations.
enum MultiplierRounding: Sendable, Equatable {
    case single
    case double
}
