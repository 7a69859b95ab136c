/// DEPTHWISE_CONV_2D: NHWC input, `[1, fh, fw, inC * multiplier]` filter; int8 per-channel and float32.
enum DepthwiseConv2DOperator: OperatorDefinition {
    struct Parameters {
        var batches, inHeight, inWidth, inChannels: Int
        var outHeight, outWidth, outChannels, depthMultiplier: Int
        var filterHeight, filterWidth: Int
        var strideH, strideW, dilationH, dilationW, padTop, padLeft: Int
        var activation: FusedActivation
    }

    static func parameters(_ node: Node) throws -> Parameters {
        try node.requireCounts(inputs: 2...3, outputs: 1...1)
        guard
            case .depthwiseConv2D(let padding, let strideW, let strideH, _, let activation, let dilationW, let dilationH) =
                node.op.options
        else { throw node.fail("missing DepthwiseConv2DOptions") }
        let input = try node.input(0)
        let filter = try node.input(1)
        try node.require(input.shape.count == 4, "input must be 4-D, is \(input.shape)")
        try node.require(filter.shape.count == 4 && filter.shape[0] == 1, "filter must be [1, h, w, c], is \(filter.shape)")
        let inChannels = input.shape[3]
        let outChannels = filter.shape[3]
        try node.require(
            inChannels > 0 && outChannels % inChannels == 0,
            "filter has \(outChannels) channels, not a multiple of the input's \(inChannels)")
        let g = ConvGeometry(
            padding: padding, inHeight: input.shape[1], inWidth: input.shape[2], filterHeight: filter.shape[1],
            filterWidth: filter.shape[2], strideH: strideH, strideW: strideW, dilationH: dilationH, dilationW: dilationW)
        if node.hasInput(2) {
            let bias = try node.input(2)
            try node.require(bias.elementCount == outChannels, "bias has \(bias.elementCount) values for \(outChannels) channels")
        }
        return Parameters(
            batches: input.shape[0], inHeight: input.shape[1], inWidth: input.shape[2], inChannels: inChannels,
            outHeight: g.outHeight, outWidth: g.outWidth, outChannels: outChannels, depthMultiplier: outChannels / inChannels,
            filterHeight: filter.shape[1], filterWidth: filter.shape[2], strideH: strideH, strideW: strideW,
            dilationH: dilationH, dilationW: dilationW, padTop: g.padTop, padLeft: g.padLeft, activation: activation)
    }

    static func inferShapes(_ node: Node) throws {
        let p = try parameters(node)
        try node.setOutputShape(0, [p.batches, p.outHeight, p.outWidth, p.outChannels])
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let p = try parameters(node)
        let input = try node.input(0)
        let filter = try node.input(1)
        let output = try node.output(0)
        let bias = node.hasInput(2) ? try node.inputData(2) : nil
        switch (input.type, filter.type, output.type) {
        case (.int8, .int8, .int8):
            try node.requireQuantized(input, "input")
            try node.requireQuantized(filter, "filter")
            try node.requireQuantized(output, "output")
            let scales = filter.quantization!.scales
            try node.require(
                scales.count == 1 || scales.count == p.outChannels,
                "filter has \(scales.count) scales for \(p.outChannels) channels")
            if node.hasInput(2) { try node.requireType(try node.input(2), [.int32], "bias") }
            let q = QuantizedChannelParameters(
                inputScale: input.scale, filterScales: scales, outputScale: output.scale, channels: p.outChannels, rounding: node.depthwiseRounding)
            let range = FixedPoint.activationRange(p.activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: -128, qmax: 127)
            return DepthwiseConv2DInt8Kernel(
                p, input: try node.inputData(0), filter: try node.inputData(1), bias: bias, output: try node.outputData(0),
                inputOffset: -input.zeroPoint, outputOffset: output.zeroPoint, quantization: q, range: range, rounding: node.depthwiseRounding)
        case (.float32, .float32, .float32):
            if node.hasInput(2) { try node.requireType(try node.input(2), [.float32], "bias") }
            return DepthwiseConv2DFloatKernel(
                p, input: try node.inputData(0), filter: try node.inputData(1), bias: bias, output: try node.outputData(0))
        default:
            throw InferenceError.unsupported(
                "\(node.path): DEPTHWISE_CONV_2D with input \(input.type), filter \(filter.type), output \(output.type) is not supported")
        }
    }
}

/// `reference_integer_ops::DepthwiseConvPerChannel`.
final class DepthwiseConv2DInt8Kernel: Kernel {
    let p: DepthwiseConv2DOperator.Parameters
    let input: UnsafePointer<Int8>
    let filter: UnsafePointer<Int8>
    let bias: UnsafePointer<Int32>?
    let output: UnsafeMutablePointer<Int8>
    let inputOffset: Int32

    init(
        _ p: DepthwiseConv2DOperator.Parameters, input: UnsafeMutableRawPointer, filter: UnsafeMutableRawPointer,
        bias: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer, inputOffset: Int32, outputOffset: Int32,
        quantization: QuantizedChannelParameters, range: (min: Int32, max: Int32), rounding: MultiplierRounding
    ) {
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.filter = UnsafePointer(filter.assumingMemoryBound(to: Int8.self))
        self.bias = bias.map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) }
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.inputOffset = inputOffset
        self.foldedBias = Self.foldedBias(p, filter: self.filter, bias: self.bias, inputOffset: inputOffset)
        self.accumulators = KernelBuffer(repeating: 0, count: p.outChannels)
        // Tap pairs interleaved per channel as int16: [pair][channel][2].
        let taps = p.filterHeight * p.filterWidth
        let channels = p.outChannels
        let f = filter.assumingMemoryBound(to: Int8.self)
        var interleaved = [Int16](repeating: 0, count: ((taps + 1) / 2) * channels * 2)
        for t in 0..<taps {
            for c in 0..<channels {
                interleaved[((t / 2) * channels + c) * 2 + (t % 2)] = Int16(f[t * channels + c])
            }
        }
        self.pairedFilter = KernelBuffer(interleaved)
        self.requantizer = ChannelRequantizer(
            multipliers: quantization.multipliers, shifts: quantization.shifts, rounding: rounding, zeroPoint: outputOffset, range: range)
    }

    let requantizer: ChannelRequantizer
    /// The filter as int16, taps paired and interleaved per channel (`[t / 2][c][t % 2]`).
    let pairedFilter: KernelBuffer<Int16>

    /// `bias[c] + inputOffset * sum over taps of filter[tap, c]`, when no output position
    /// reads padding (then the input offset folds into a per-channel constant, exactly).
    let foldedBias: KernelBuffer<Int32>?
    /// One accumulator per channel, for the channel-vectorized paths.
    let accumulators: KernelBuffer<Int32>

    static func foldedBias(
        _ p: DepthwiseConv2DOperator.Parameters, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?, inputOffset: Int32
    ) -> KernelBuffer<Int32>? {
        let interior =
            p.padTop == 0 && p.padLeft == 0
            && (p.outHeight - 1) * p.strideH + (p.filterHeight - 1) * p.dilationH < p.inHeight
            && (p.outWidth - 1) * p.strideW + (p.filterWidth - 1) * p.dilationW < p.inWidth
        guard interior, p.depthMultiplier == 1 else { return nil }
        var folded = [Int32](repeating: 0, count: p.outChannels)
        for c in 0..<p.outChannels {
            var sum: Int32 = 0
            for tap in 0..<(p.filterHeight * p.filterWidth) { sum = sum &+ Int32(filter[tap * p.outChannels + c]) }
            folded[c] = (bias?[c] ?? 0) &+ inputOffset &* sum
        }
        return KernelBuffer(folded)
    }

    func invoke(_ context: ExecutionContext) throws {
        if let foldedBias { invokeInterior(foldedBias.pointer) } else { invokeGeneral() }
    }

    /// Padding ("same") or a depth multiplier above 1: channels inside, as in the interior
    /// path. A tap that falls in the padding is skipped, as TFLite's reference does, so the
    /// input offset is added per tap read instead of folded into the bias; output channel `c`
    /// reads input channel `c / depthMultiplier`.
    private func invokeGeneral() {
        let p = self.p
        let channels = p.outChannels
        let multiplier = p.depthMultiplier
        let acc = accumulators.pointer
        let offset = inputOffset
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                let (inYOrigin, yTaps) = p.rows(of: oy)
                for ox in 0..<p.outWidth {
                    let (inXOrigin, xTaps) = p.columns(of: ox)
                    if let bias { acc.update(from: bias, count: channels) } else { acc.update(repeating: 0, count: channels) }
                    for fy in yTaps {
                        let iy = inYOrigin &+ p.dilationH &* fy
                        for fx in xTaps {
                            let ix = inXOrigin &+ p.dilationW &* fx
                            let x = input + ((b &* p.inHeight &+ iy) &* p.inWidth &+ ix) &* p.inChannels
                            let f = filter + (fy &* p.filterWidth &+ fx) &* channels
                            if multiplier == 1 {
                                for c in 0..<channels { acc[c] = acc[c] &+ Int32(f[c]) &* (Int32(x[c]) &+ offset) }
                            } else {
                                for c in 0..<channels { acc[c] = acc[c] &+ Int32(f[c]) &* (Int32(x[c / multiplier]) &+ offset) }
                            }
                        }
                    }
                    requantizer.requantize(acc, bias: nil, into: output + ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* channels)
                }
            }
        }
    }

    /// Interior path with depth multiplier 1: taps outside, channels inside, so the inner
    /// loop runs over contiguous channels of input, filter and accumulators.
    private func invokeInterior(_ folded: UnsafeMutablePointer<Int32>) {
        let p = self.p
        let channels = p.outChannels
        let acc = accumulators.pointer
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                for ox in 0..<p.outWidth {
                    acc.update(from: folded, count: channels)
                    // Taps in pairs: one accumulator update per two products.
                    let taps = p.filterHeight &* p.filterWidth
                    var t = 0
                    while t < taps {
                        let fy0 = t / p.filterWidth, fx0 = t % p.filterWidth
                        let x0 =
                            input
                            + ((b &* p.inHeight &+ oy &* p.strideH &+ fy0 &* p.dilationH) &* p.inWidth &+ ox &* p.strideW &+ fx0
                                &* p.dilationW) &* channels
                        let f0 = filter + t &* channels
                        if t &+ 1 < taps {
                            let fy1 = (t &+ 1) / p.filterWidth, fx1 = (t &+ 1) % p.filterWidth
                            let x1 =
                                input
                                + ((b &* p.inHeight &+ oy &* p.strideH &+ fy1 &* p.dilationH) &* p.inWidth &+ ox &* p.strideW &+ fx1
                                    &* p.dilationW) &* channels
                            let w = pairedFilter.pointer + (t &>> 1) &* channels &* 2
                            for c in 0..<channels {
                                acc[c] = acc[c] &+ (Int32(w[2 &* c]) &* Int32(x0[c]) &+ Int32(w[2 &* c &+ 1]) &* Int32(x1[c]))
                            }
                            t &+= 2
                        } else {
                            for c in 0..<channels {
                                acc[c] = acc[c] &+ Int32(Int16(f0[c]) &* Int16(x0[c]))
                            }
                            t &+= 1
                        }
                    }
                    requantizer.requantize(acc, bias: nil, into: output + ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* channels)
                }
            }
        }
    }
}

/// `reference_ops::DepthwiseConv` for float32.
final class DepthwiseConv2DFloatKernel: Kernel {
    let p: DepthwiseConv2DOperator.Parameters
    let input: UnsafePointer<Float>
    let filter: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
    let outputMin: Float
    let outputMax: Float

    init(
        _ p: DepthwiseConv2DOperator.Parameters, input: UnsafeMutableRawPointer, filter: UnsafeMutableRawPointer,
        bias: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer
    ) {
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.filter = UnsafePointer(filter.assumingMemoryBound(to: Float.self))
        self.bias = bias.map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) }
        self.output = output.assumingMemoryBound(to: Float.self)
        (outputMin, outputMax) = FixedPoint.activationRange(p.activation)
    }

    func invoke(_ context: ExecutionContext) throws {
        let p = self.p
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                let (inYOrigin, yTaps) = p.rows(of: oy)
                for ox in 0..<p.outWidth {
                    let (inXOrigin, xTaps) = p.columns(of: ox)
                    let outBase = ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* p.outChannels
                    for ic in 0..<p.inChannels {
                        for m in 0..<p.depthMultiplier {
                            let oc = m &+ ic &* p.depthMultiplier
                            var total: Float = 0
                            for fy in yTaps {
                                let iy = inYOrigin &+ p.dilationH &* fy
                                for fx in xTaps {
                                    let ix = inXOrigin &+ p.dilationW &* fx
                                    total +=
                                        input[((b &* p.inHeight &+ iy) &* p.inWidth &+ ix) &* p.inChannels &+ ic]
                                        * filter[(fy &* p.filterWidth &+ fx) &* p.outChannels &+ oc]
                                }
                            }
                            let biasValue: Float = bias?[oc] ?? 0
                            output[outBase &+ oc] = min(max(total + biasValue, outputMin), outputMax)
                        }
                    }
                }
            }
        }
    }
}
