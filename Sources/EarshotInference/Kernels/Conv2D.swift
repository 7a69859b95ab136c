/// CONV_2D: NHWC input, OHWI filter, optional bias; int8 (per-channel quantized) and float32.
enum Conv2DOperator: OperatorDefinition {
    struct Parameters {
        var batches, inHeight, inWidth, inChannels: Int
        var outHeight, outWidth, outChannels: Int
        var filterHeight, filterWidth, filterChannels: Int
        var strideH, strideW, dilationH, dilationW, padTop, padLeft: Int
        var activation: FusedActivation
    }

    static func parameters(_ node: Node) throws -> Parameters {
        try node.requireCounts(inputs: 2...3, outputs: 1...1)
        guard case .conv2D(let padding, let strideW, let strideH, let activation, let dilationW, let dilationH) = node.op.options
        else { throw node.fail("missing Conv2DOptions") }
        let input = try node.input(0)
        let filter = try node.input(1)
        try node.require(input.shape.count == 4, "input must be 4-D, is \(input.shape)")
        try node.require(filter.shape.count == 4, "filter must be 4-D, is \(filter.shape)")
        let inChannels = input.shape[3]
        let filterChannels = filter.shape[3]
        try node.require(
            filterChannels > 0 && inChannels % filterChannels == 0,
            "input has \(inChannels) channels, filter \(filterChannels): not a whole number of groups")
        let outChannels = filter.shape[0]
        let groups = inChannels / filterChannels
        try node.require(groups > 0 && outChannels % groups == 0, "\(outChannels) output channels do not split into \(groups) groups")
        let g = ConvGeometry(
            padding: padding, inHeight: input.shape[1], inWidth: input.shape[2], filterHeight: filter.shape[1],
            filterWidth: filter.shape[2], strideH: strideH, strideW: strideW, dilationH: dilationH, dilationW: dilationW)
        if node.hasInput(2) {
            let bias = try node.input(2)
            try node.require(bias.elementCount == outChannels, "bias has \(bias.elementCount) values for \(outChannels) output channels")
        }
        return Parameters(
            batches: input.shape[0], inHeight: input.shape[1], inWidth: input.shape[2], inChannels: inChannels,
            outHeight: g.outHeight, outWidth: g.outWidth, outChannels: outChannels, filterHeight: filter.shape[1],
            filterWidth: filter.shape[2], filterChannels: filterChannels, strideH: strideH, strideW: strideW,
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
        switch (input.type, filter.type, output.type) {
        case (.int8, .int8, .int8):
            try node.requireQuantized(input, "input")
            try node.requireQuantized(filter, "filter")
            try node.requireQuantized(output, "output")
            let filterScales = filter.quantization!.scales
            try node.require(
                filterScales.count == 1 || filterScales.count == p.outChannels,
                "filter has \(filterScales.count) scales for \(p.outChannels) output channels")
            if node.hasInput(2) { try node.requireType(try node.input(2), [.int32], "bias") }
            let q = QuantizedChannelParameters(
                inputScale: input.scale, filterScales: filterScales, outputScale: output.scale, channels: p.outChannels,
                rounding: node.rounding)
            let range = FixedPoint.activationRange(p.activation, scale: output.scale, zeroPoint: output.zeroPoint, qmin: -128, qmax: 127)
            return Conv2DInt8Kernel(
                p, input: try node.inputData(0), filter: try node.inputData(1),
                bias: node.hasInput(2) ? try node.inputData(2) : nil, output: try node.outputData(0),
                inputOffset: -input.zeroPoint, outputOffset: output.zeroPoint, quantization: q, range: range, rounding: node.rounding)
        case (.float32, .float32, .float32):
            if node.hasInput(2) { try node.requireType(try node.input(2), [.float32], "bias") }
            return Conv2DFloatKernel(
                p, input: try node.inputData(0), filter: try node.inputData(1),
                bias: node.hasInput(2) ? try node.inputData(2) : nil, output: try node.outputData(0))
        default:
            throw InferenceError.unsupported(
                "\(node.path): CONV_2D with input \(input.type), filter \(filter.type), output \(output.type) is not supported")
        }
    }
}

/// `reference_integer_ops::ConvPerChannel`.
final class Conv2DInt8Kernel: Kernel {
    let p: Conv2DOperator.Parameters
    let input: UnsafePointer<Int8>
    let filter: UnsafePointer<Int8>
    let bias: UnsafePointer<Int32>?
    let output: UnsafeMutablePointer<Int8>
    let inputOffset: Int32
    let outputOffset: Int32
    let multipliers: KernelBuffer<Int32>
    let shifts: KernelBuffer<Int32>
    let outputMin: Int32
    let outputMax: Int32
    let rounding: MultiplierRounding

    init(
        _ p: Conv2DOperator.Parameters, input: UnsafeMutableRawPointer, filter: UnsafeMutableRawPointer,
        bias: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer, inputOffset: Int32, outputOffset: Int32,
        quantization: QuantizedChannelParameters, range: (min: Int32, max: Int32), rounding: MultiplierRounding
    ) {
        self.rounding = rounding
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Int8.self))
        self.filter = UnsafePointer(filter.assumingMemoryBound(to: Int8.self))
        self.bias = bias.map { UnsafePointer($0.assumingMemoryBound(to: Int32.self)) }
        self.output = output.assumingMemoryBound(to: Int8.self)
        self.inputOffset = inputOffset
        self.outputOffset = outputOffset
        self.multipliers = KernelBuffer(quantization.multipliers)
        self.shifts = KernelBuffer(quantization.shifts)
        self.outputMin = range.min
        self.outputMax = range.max
        self.foldedBias = Self.foldedBias(p, filter: self.filter, bias: self.bias, inputOffset: inputOffset)
        let patch = p.filterHeight * p.filterWidth * p.filterChannels
        let filterCount = p.outChannels * patch
        self.wideFilter = KernelBuffer(
            (0..<(foldedBias == nil ? 0 : filterCount)).map { Int16(filter.assumingMemoryBound(to: Int8.self)[$0]) })
        self.widePatch = KernelBuffer(repeating: 0, count: foldedBias == nil ? 0 : patch)
        self.sums = KernelBuffer(repeating: 0, count: p.outChannels)
        self.requantizer = ChannelRequantizer(
            multipliers: quantization.multipliers, shifts: quantization.shifts, rounding: rounding, zeroPoint: outputOffset, range: range)
    }

    let requantizer: ChannelRequantizer

    /// The dot products of one output position, before requantization.
    let sums: KernelBuffer<Int32>

    /// The filter sign-extended to int16 once, and one input patch sign-extended per output
    /// position, so that the inner loop is a plain int16 multiply-add.
    let wideFilter: KernelBuffer<Int16>
    let widePatch: KernelBuffer<Int16>

    /// `bias[oc] + inputOffset * sum(filter[oc])` for the interior path, when it applies.
    let foldedBias: KernelBuffer<Int32>?

    /// The folded path applies when no output position reads padding, the convolution is
    /// not grouped and not dilated along x: then the input offset folds into a per-channel
    /// constant, exactly (wrapping int32 arithmetic is a ring).
    static func foldedBias(
        _ p: Conv2DOperator.Parameters, filter: UnsafePointer<Int8>, bias: UnsafePointer<Int32>?, inputOffset: Int32
    ) -> KernelBuffer<Int32>? {
        let interior =
            p.padTop == 0 && p.padLeft == 0
            && (p.outHeight - 1) * p.strideH + (p.filterHeight - 1) * p.dilationH < p.inHeight
            && (p.outWidth - 1) * p.strideW + (p.filterWidth - 1) * p.dilationW < p.inWidth
        guard interior, p.filterChannels == p.inChannels, p.dilationW == 1 else { return nil }
        let patch = p.filterHeight * p.filterWidth * p.filterChannels
        var folded = [Int32](repeating: 0, count: p.outChannels)
        for oc in 0..<p.outChannels {
            folded[oc] = (bias?[oc] ?? 0) &+ inputOffset &* DotProduct.sum(filter + oc * patch, patch)
        }
        return KernelBuffer(folded)
    }

    func invoke(_ context: ExecutionContext) throws {
        if let foldedBias { invokeInterior(foldedBias.pointer) } else { invokeReference() }
    }

    /// Interior path: each filter row is one contiguous run of `filterWidth * channels`
    /// bytes in the input (the whole patch, when the filter spans the input's width).
    private func invokeInterior(_ folded: UnsafeMutablePointer<Int32>) {
        let p = self.p
        let rowLength = p.filterWidth &* p.inChannels
        let patch = p.filterHeight &* rowLength
        let wholePatch = p.filterWidth == p.inWidth && p.dilationH == 1
        let wide = widePatch.pointer
        let weights = wideFilter.pointer
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                let inY = oy &* p.strideH
                for ox in 0..<p.outWidth {
                    let inX = ox &* p.strideW
                    let outBase = ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* p.outChannels
                    let origin = ((b &* p.inHeight &+ inY) &* p.inWidth &+ inX) &* p.inChannels
                    if wholePatch {
                        DotProduct.widen(input + origin, into: wide, patch)
                    } else {
                        for fy in 0..<p.filterHeight {
                            let row = origin &+ fy &* p.dilationH &* p.inWidth &* p.inChannels
                            DotProduct.widen(input + row, into: wide + fy &* rowLength, rowLength)
                        }
                    }
                    let sums = self.sums.pointer
                    var oc = 0
                    while oc &+ 4 <= p.outChannels {
                        let (s0, s1, s2, s3) = DotProduct.int16x4(wide, weights + oc &* patch, stride: patch, patch)
                        sums[oc] = s0
                        sums[oc &+ 1] = s1
                        sums[oc &+ 2] = s2
                        sums[oc &+ 3] = s3
                        oc &+= 4
                    }
                    while oc < p.outChannels {
                        sums[oc] = DotProduct.int16(wide, weights + oc &* patch, patch)
                        oc &+= 1
                    }
                    requantizer.requantize(sums, bias: folded, into: output + outBase)
                }
            }
        }
    }

    /// The reference loop, for padded, dilated or grouped convolutions.
    private func invokeReference() {
        let p = self.p
        let groupOutChannels = p.outChannels / (p.inChannels / p.filterChannels)
        let mult = multipliers.pointer
        let shift = shifts.pointer
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                let (inYOrigin, yTaps) = p.rows(of: oy)
                for ox in 0..<p.outWidth {
                    let (inXOrigin, xTaps) = p.columns(of: ox)
                    let outBase = ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* p.outChannels
                    for oc in 0..<p.outChannels {
                        let group = oc / groupOutChannels
                        var acc: Int32 = 0
                        for fy in yTaps {
                            let iy = inYOrigin &+ p.dilationH &* fy
                            for fx in xTaps {
                                let ix = inXOrigin &+ p.dilationW &* fx
                                let inBase = ((b &* p.inHeight &+ iy) &* p.inWidth &+ ix) &* p.inChannels &+ group &* p.filterChannels
                                let fBase = ((oc &* p.filterHeight &+ fy) &* p.filterWidth &+ fx) &* p.filterChannels
                                for ic in 0..<p.filterChannels {
                                    acc = acc &+ Int32(filter[fBase &+ ic]) &* (Int32(input[inBase &+ ic]) &+ inputOffset)
                                }
                            }
                        }
                        if let bias { acc = acc &+ bias[oc] }
                        acc = FixedPoint.multiplyByQuantizedMultiplier(acc, mult[oc], shift[oc], rounding)
                        acc = acc &+ outputOffset
                        acc = min(max(acc, outputMin), outputMax)
                        output[outBase &+ oc] = Int8(truncatingIfNeeded: acc)
                    }
                }
            }
        }
    }
}

/// `reference_ops::Conv` for float32, vectorized across output channels: the filter is
/// transposed at preparation to `[tap][outChannel]`, and each output position accumulates
/// all its channels at once. Every output channel still sums its taps in the reference
/// order (filter y, filter x, input channel; out-of-bounds taps skipped), then adds the
/// bias, so results equal the reference loop's bit for bit.
final class Conv2DFloatKernel: Kernel {
    let p: Conv2DOperator.Parameters
    let input: UnsafePointer<Float>
    let filter: UnsafePointer<Float>
    let bias: UnsafePointer<Float>?
    let output: UnsafeMutablePointer<Float>
    let outputMin: Float
    let outputMax: Float
    /// `[filterHeight][filterWidth][filterChannels][outChannels]`.
    let transposed: KernelBuffer<Float>
    let accumulators: KernelBuffer<Float>

    init(
        _ p: Conv2DOperator.Parameters, input: UnsafeMutableRawPointer, filter: UnsafeMutableRawPointer,
        bias: UnsafeMutableRawPointer?, output: UnsafeMutableRawPointer
    ) {
        self.p = p
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        let f = UnsafePointer(filter.assumingMemoryBound(to: Float.self))
        self.filter = f
        self.bias = bias.map { UnsafePointer($0.assumingMemoryBound(to: Float.self)) }
        self.output = output.assumingMemoryBound(to: Float.self)
        (outputMin, outputMax) = FixedPoint.activationRange(p.activation)
        let taps = p.filterHeight * p.filterWidth * p.filterChannels
        var t = [Float](repeating: 0, count: taps * p.outChannels)
        for oc in 0..<p.outChannels {
            for k in 0..<taps { t[k * p.outChannels + oc] = f[oc * taps + k] }
        }
        transposed = KernelBuffer(t)
        accumulators = KernelBuffer(repeating: 0, count: p.outChannels)
    }

    func invoke(_ context: ExecutionContext) throws {
        if p.filterChannels != p.inChannels {
            invokeGrouped()
            return
        }
        let p = self.p
        let channels = p.outChannels
        let acc = accumulators.pointer
        let weights = transposed.pointer
        // Output columns whose taps all lie inside the input along x.
        let reach = p.dilationW &* (p.filterWidth &- 1)
        var firstInterior = 0
        while firstInterior < p.outWidth && firstInterior &* p.strideW &- p.padLeft < 0 { firstInterior &+= 1 }
        var endInterior = p.outWidth
        while endInterior > firstInterior && (endInterior &- 1) &* p.strideW &- p.padLeft &+ reach >= p.inWidth { endInterior &-= 1 }
        let blocked = channels % 8 == 0
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                let (inYOrigin, yTaps) = p.rows(of: oy)
                var ox = 0
                while ox < p.outWidth {
                    if blocked && ox >= firstInterior && ox &+ 4 <= endInterior {
                        for block in stride(from: 0, to: channels, by: 8) {
                            microKernel(b: b, oy: oy, ox: ox, inYOrigin: inYOrigin, yTaps: yTaps, block: block)
                        }
                        ox &+= 4
                        continue
                    }
                    let (inXOrigin, xTaps) = p.columns(of: ox)
                    acc.update(repeating: 0, count: channels)
                    for fy in yTaps {
                        let iy = inYOrigin &+ p.dilationH &* fy
                        for fx in xTaps {
                            let ix = inXOrigin &+ p.dilationW &* fx
                            let x = input + ((b &* p.inHeight &+ iy) &* p.inWidth &+ ix) &* p.inChannels
                            let w = weights + (fy &* p.filterWidth &+ fx) &* p.inChannels &* channels
                            for ic in 0..<p.inChannels {
                                let value = x[ic]
                                let row = w + ic &* channels
                                for oc in 0..<channels { acc[oc] += value * row[oc] }
                            }
                        }
                    }
                    let out = output + ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* channels
                    if let bias {
                        for oc in 0..<channels { out[oc] = min(max(acc[oc] + bias[oc], outputMin), outputMax) }
                    } else {
                        for oc in 0..<channels { out[oc] = min(max(acc[oc] + 0, outputMin), outputMax) }
                    }
                    ox &+= 1
                }
            }
        }
    }

    /// Four adjacent output columns (all taps inside the input along x) times eight output
    /// channels, accumulated in registers; per lane the same sums as the reference.
    @inline(__always)
    private func microKernel(b: Int, oy: Int, ox: Int, inYOrigin: Int, yTaps: Range<Int>, block: Int) {
        let p = self.p
        let channels = p.outChannels
        let weights = transposed.pointer
        var a0 = SIMD4<Float>(), a1 = SIMD4<Float>(), a2 = SIMD4<Float>(), a3 = SIMD4<Float>()
        var b0 = SIMD4<Float>(), b1 = SIMD4<Float>(), b2 = SIMD4<Float>(), b3 = SIMD4<Float>()
        let step = p.strideW &* p.inChannels
        for fy in yTaps {
            let iy = inYOrigin &+ p.dilationH &* fy
            for fx in 0..<p.filterWidth {
                let ix = ox &* p.strideW &- p.padLeft &+ p.dilationW &* fx
                let x = input + ((b &* p.inHeight &+ iy) &* p.inWidth &+ ix) &* p.inChannels
                let tapIndex: Int = (fy &* p.filterWidth &+ fx) &* p.inChannels &* channels &+ block
                let w = UnsafeRawPointer(weights + tapIndex)
                for ic in 0..<p.inChannels {
                    let row = w + (ic &* channels) &* 4
                    let w0 = row.loadUnaligned(as: SIMD4<Float>.self)
                    let w1 = row.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
                    let x0 = SIMD4<Float>(repeating: x[ic])
                    let x1 = SIMD4<Float>(repeating: x[ic &+ step])
                    let x2 = SIMD4<Float>(repeating: x[ic &+ 2 &* step])
                    let x3 = SIMD4<Float>(repeating: x[ic &+ 3 &* step])
                    a0 = a0 + x0 * w0
                    b0 = b0 + x0 * w1
                    a1 = a1 + x1 * w0
                    b1 = b1 + x1 * w1
                    a2 = a2 + x2 * w0
                    b2 = b2 + x2 * w1
                    a3 = a3 + x3 * w0
                    b3 = b3 + x3 * w1
                }
            }
        }
        let lo = SIMD4<Float>(repeating: outputMin)
        let hi = SIMD4<Float>(repeating: outputMax)
        var bias0 = SIMD4<Float>(), bias1 = SIMD4<Float>()
        if let bias {
            bias0 = UnsafeRawPointer(bias + block).loadUnaligned(as: SIMD4<Float>.self)
            bias1 = UnsafeRawPointer(bias + block).loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
        }
        let outIndex: Int = ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* channels &+ block
        let out = UnsafeMutableRawPointer(output + outIndex)
        let stride = channels &* 4
        func store(_ a: SIMD4<Float>, _ c: SIMD4<Float>, _ position: Int) {
            let first = (a + bias0).clamped(lowerBound: lo, upperBound: hi)
            let second = (c + bias1).clamped(lowerBound: lo, upperBound: hi)
            out.storeBytes(of: first, toByteOffset: position &* stride, as: SIMD4<Float>.self)
            out.storeBytes(of: second, toByteOffset: position &* stride &+ 16, as: SIMD4<Float>.self)
        }
        store(a0, b0, 0)
        store(a1, b1, 1)
        store(a2, b2, 2)
        store(a3, b3, 3)
    }

    /// The reference loop, for grouped convolutions.
    private func invokeGrouped() {
        let p = self.p
        let groupOutChannels = p.outChannels / (p.inChannels / p.filterChannels)
        for b in 0..<p.batches {
            for oy in 0..<p.outHeight {
                let (inYOrigin, yTaps) = p.rows(of: oy)
                for ox in 0..<p.outWidth {
                    let (inXOrigin, xTaps) = p.columns(of: ox)
                    let outBase = ((b &* p.outHeight &+ oy) &* p.outWidth &+ ox) &* p.outChannels
                    for oc in 0..<p.outChannels {
                        let group = oc / groupOutChannels
                        var total: Float = 0  // grouped
                        for fy in yTaps {
                            let iy = inYOrigin &+ p.dilationH &* fy
                            for fx in xTaps {
                                let ix = inXOrigin &+ p.dilationW &* fx
                                let inBase = ((b &* p.inHeight &+ iy) &* p.inWidth &+ ix) &* p.inChannels &+ group &* p.filterChannels
                                let fBase = ((oc &* p.filterHeight &+ fy) &* p.filterWidth &+ fx) &* p.filterChannels
                                for ic in 0..<p.filterChannels {
                                    total += input[inBase &+ ic] * filter[fBase &+ ic]
                                }
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
