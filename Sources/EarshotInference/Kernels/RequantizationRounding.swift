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
    /// What TFLite's *optimized* kernels compute without a delegate — the
    /// `libtensorflowlite_c.so` that pymicro-wakeword ships, and ai-edge-litert's
    /// `BUILTIN_WITHOUT_DEFAULT_DELEGATES` resolver (x86 with SSE4.1, where TFLite runs its
    /// NEON code through NEON_2_SSE): as ``liteRT`` for convolutions and element-wise kernels,
    /// but DEPTHWISE_CONV_2D requantizes whole groups of eight channels with `vqrdmulh` and a
    /// rounding shift (ties upward; the leftover channels as ``liteRT``), and
    /// FULLY_CONNECTED goes through ruy's kernels, which round the same way.
    case liteRTOptimized

    /// Variant used by convolution and element-wise kernels.
    var elementwise: MultiplierRounding { self == .single ? .single : .double }
    /// Variant used by matrix-multiply-backed kernels.
    var matrixMultiply: MultiplierRounding {
        switch self {
        case .double: .double
        case .liteRTOptimized: .upward
        case .liteRT, .single: .single
        }
    }
    /// Variant used by DEPTHWISE_CONV_2D.
    var depthwise: MultiplierRounding { self == .liteRTOptimized ? .upwardInGroupsOfEight : elementwise }
}

/// One of the `MultiplyByQuantizedMultiplier` implementations.
enum MultiplierRounding: Sendable, Equatable {
    case single
    case double
    /// Double rounding with both steps rounding ties upward (NEON's `vqrdmulh`, then a
    /// rounding shift; ruy, and TFLite's `DepthwiseConvRound<kUpward>`).
    case upward
    /// ``upward`` for the channels of whole groups of eight, ``double`` for the rest
    /// (TFLite's optimized per-channel `Quantize`). Per-element callers pick per channel.
    case upwardInGroupsOfEight
}
