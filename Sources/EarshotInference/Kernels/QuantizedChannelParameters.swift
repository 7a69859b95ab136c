/// Per-output-channel fixed-point multipliers of a quantized convolution or fully
/// connected layer, computed as TFLite's `PopulateConvolutionQuantizationParams` does:
/// `input_scale * filter_scale[c] / output_scale` in double precision.
struct QuantizedChannelParameters {
    var multipliers: [Int32]
    var shifts: [Int32]

    init(inputScale: Float, filterScales: [Float], outputScale: Float, channels: Int, rounding: MultiplierRounding) {
        multipliers = []
        shifts = []
        for c in 0..<channels {
            let filterScale = Double(filterScales.count > 1 ? filterScales[c] : filterScales[0])
            let effective = Double(inputScale) * filterScale / Double(outputScale)
            let (m, s) = FixedPoint.quantizeMultiplier(effective, rounding: rounding)
            multipliers.append(m)
            shifts.append(Int32(s))
        }
    }
}
