/// A real-input FFT in 16-bit fixed point that reproduces, value for value, kissfft built
/// with `FIXED_POINT=16` as the TFLM frontend uses it (`kiss_fftr` over a complex
/// `kiss_fft` of half the length, radix-4 and radix-2 stages).
///
/// What must match kissfft exactly, and does:
/// - every stage first divides its inputs by the radix in Q15 (`x * (32767 / radix)`,
///   rounded by adding 2^14 and shifting right 15);
/// - complex products are rounded the same way, sums and differences wrap to 16 bits
///   wherever kissfft stores into a 16-bit field;
/// - twiddles are `floor(0.5 + 32767 * cos/sin(phase))` in double precision;
/// - the real-FFT split halves with an arithmetic shift of the 32-bit sum.
///
/// The data are kept as separate real and imaginary arrays and the stages run iteratively
/// (innermost first) instead of kissfft's recursion; each output element goes through the
/// same operations in the same order, so the results are identical.
final class FixedPointRealFFT {
    /// Length of the real transform (a power of two, at least 4).
    let size: Int
    /// Length of the inner complex transform, `size / 2`.
    let complexCount: Int

    /// Real parts of the `complexCount + 1` output bins (DC through Nyquist).
    let outputReal: UnsafeMutablePointer<Int16>
    /// Imaginary parts of the `complexCount + 1` output bins.
    let outputImag: UnsafeMutablePointer<Int16>

    private let workReal: UnsafeMutablePointer<Int16>
    private let workImag: UnsafeMutablePointer<Int16>
    /// For each position of the complex work array, the complex input index it starts from.
    private let leafSource: UnsafeMutablePointer<Int32>
    private let stageCount: Int
    private let stageRadix: UnsafeMutablePointer<Int>
    private let stageLength: UnsafeMutablePointer<Int>  // kissfft's `m`
    private let stageBlocks: UnsafeMutablePointer<Int>  // kissfft's `fstride`
    private let stageTwiddleOffset: UnsafeMutablePointer<Int>
    /// Per stage, the twiddles its butterflies use, one plane per component: radix 4 stores
    /// tw1.r, tw1.i, tw2.r, tw2.i, tw3.r, tw3.i planes of `m` values; radix 2 stores tw.r, tw.i.
    private let stageTwiddles: UnsafeMutablePointer<Int16>
    /// The `complexCount / 2` twiddles of the real-FFT split, real and imaginary planes.
    private let splitTwiddleReal: UnsafeMutablePointer<Int16>
    private let splitTwiddleImag: UnsafeMutablePointer<Int16>

    /// Creates the transform; `size` must be a power of two and at least 4.
    init(size: Int) {
        precondition(size >= 4 && size & (size - 1) == 0, "FFT size must be a power of two >= 4")
        self.size = size
        let n = size / 2
        complexCount = n

        outputReal = .allocate(capacity: n + 1)
        outputImag = .allocate(capacity: n + 1)
        outputReal.initialize(repeating: 0, count: n + 1)
        outputImag.initialize(repeating: 0, count: n + 1)
        workReal = .allocate(capacity: n)
        workImag = .allocate(capacity: n)
        workReal.initialize(repeating: 0, count: n)
        workImag.initialize(repeating: 0, count: n)

        // kissfft's factorization (kf_factor): powers of 4 first, then 2, then odd primes.
        // For a power of two only radix 4 and a final radix 2 can occur.
        var factors: [(radix: Int, length: Int)] = []
        do {
            var remaining = n
            var p = 4
            let floorSqrt = Int(libmFloor(libmSqrt(Double(remaining))))
            repeat {
                while remaining % p != 0 {
                    switch p {
                    case 4: p = 2
                    case 2: p = 3
                    default: p += 2
                    }
                    if p > floorSqrt { p = remaining }
                }
                remaining /= p
                factors.append((p, remaining))
            } while remaining > 1
        }
        precondition(factors.allSatisfy { $0.radix == 2 || $0.radix == 4 })

        // Full-circle twiddles of the complex transform, as kiss_fft_alloc makes them.
        var twiddleReal = [Int16](repeating: 0, count: n)
        var twiddleImag = [Int16](repeating: 0, count: n)
        for i in 0..<n {
            let phase = -2.0 * Double.pi * Double(i) / Double(n)
            twiddleReal[i] = Int16(libmFloor(0.5 + 32767 * libmCos(phase)))
            twiddleImag[i] = Int16(libmFloor(0.5 + 32767 * libmSin(phase)))
        }

        // The deepest stage (m == 1) only uses twiddle 0; the fused gather relies on its value.
        precondition(twiddleReal[0] == 32_767 && twiddleImag[0] == 0 && factors.last?.length == 1)

        stageCount = factors.count
        stageRadix = .allocate(capacity: stageCount)
        stageLength = .allocate(capacity: stageCount)
        stageBlocks = .allocate(capacity: stageCount)
        stageTwiddleOffset = .allocate(capacity: stageCount)
        var twiddlePlanes: [Int16] = []
        var blocks = 1
        for (index, factor) in factors.enumerated() {
            let m = factor.length
            stageRadix[index] = factor.radix
            stageLength[index] = m
            stageBlocks[index] = blocks
            stageTwiddleOffset[index] = twiddlePlanes.count
            // Butterfly k of a stage with stride `blocks` uses twiddle[q * k * blocks].
            for q in 1..<factor.radix where factor.radix == 4 || q == 1 {
                twiddlePlanes += (0..<m).map { twiddleReal[q * $0 * blocks] }
                twiddlePlanes += (0..<m).map { twiddleImag[q * $0 * blocks] }
            }
            blocks *= factor.radix
        }
        stageTwiddles = .allocate(capacity: max(twiddlePlanes.count, 1))
        stageTwiddles.initialize(from: twiddlePlanes, count: twiddlePlanes.count)

        // Where each work position's value comes from: kf_work's decimation, unrolled.
        let leaves = UnsafeMutablePointer<Int32>.allocate(capacity: n)
        func assignLeaves(output: Int, input: Int, stride: Int, stage: Int) {
            let (p, m) = factors[stage]
            if m == 1 {
                for j in 0..<p { leaves[output + j] = Int32(input + j * stride) }
            } else {
                for q in 0..<p {
                    assignLeaves(output: output + q * m, input: input + q * stride, stride: stride * p, stage: stage + 1)
                }
            }
        }
        assignLeaves(output: 0, input: 0, stride: 1, stage: 0)
        leafSource = leaves

        // Twiddles of the real split (kiss_fftr_alloc's super_twiddles).
        let splitCount = n / 2
        splitTwiddleReal = .allocate(capacity: max(splitCount, 1))
        splitTwiddleImag = .allocate(capacity: max(splitCount, 1))
        for i in 0..<splitCount {
            let phase = -Double.pi * (Double(i + 1) / Double(n) + 0.5)
            splitTwiddleReal[i] = Int16(libmFloor(0.5 + 32767 * libmCos(phase)))
            splitTwiddleImag[i] = Int16(libmFloor(0.5 + 32767 * libmSin(phase)))
        }
    }

    deinit {
        outputReal.deallocate()
        outputImag.deallocate()
        workReal.deallocate()
        workImag.deallocate()
        leafSource.deallocate()
        stageRadix.deallocate()
        stageLength.deallocate()
        stageBlocks.deallocate()
        stageTwiddleOffset.deallocate()
        stageTwiddles.deallocate()
        splitTwiddleReal.deallocate()
        splitTwiddleImag.deallocate()
    }

    /// Transforms `size` real samples, each first shifted left by `inputShift` and stored to
    /// 16 bits (TFLM's `FftCompute` scaling), into `complexCount + 1` bins in
    /// ``outputReal`` / ``outputImag``.
    func transform(_ input: UnsafePointer<Int16>, inputShift: Int) {
        let re = workReal
        let im = workImag
        // The deepest stage (m == 1) runs fused with the decimating gather of the input,
        // read as complex values (even samples real, odd imaginary), and with the shift.
        let deepest = stageCount &- 1
        let shift = Int16(truncatingIfNeeded: inputShift)
        if stageRadix[deepest] == 4 {
            Self.gatherRadix4(input, shift, leafSource, re, im, butterflies: stageBlocks[deepest])
        } else {
            Self.gatherRadix2(input, shift, leafSource, re, im, butterflies: stageBlocks[deepest])
        }
        var stage = deepest &- 1
        while stage >= 0 {
            let m = stageLength[stage]
            let blocks = stageBlocks[stage]
            let twiddles = stageTwiddles + stageTwiddleOffset[stage]
            if stageRadix[stage] == 4 {
                let span = 4 &* m
                var base = 0
                for _ in 0..<blocks {
                    Self.radix4(re + base, im + base, m, twiddles)
                    base &+= span
                }
            } else {
                let span = 2 &* m
                var base = 0
                for _ in 0..<blocks {
                    Self.radix2(re + base, im + base, m, twiddles)
                    base &+= span
                }
            }
            stage &-= 1
        }
        splitReal()
    }

    /// The twiddle of every butterfly of the deepest stage: `floor(0.5 + 32767 * cos 0)`.
    private static let unitTwiddle: Int32 = 32_767

    /// Loads input sample pair `pair` (complex index) shifted, as `FftCompute` scales it.
    @inline(__always)
    private static func load(_ input: UnsafePointer<Int16>, _ pair: Int32, _ shift: Int16) -> (Int16, Int16) {
        let index = Int(pair) &* 2
        return (input[index] &<< shift, input[index &+ 1] &<< shift)
    }

    /// kf_bfly4 with m == 1 (all twiddles 32767 + 0i) over `butterflies` blocks, each
    /// reading its four inputs straight from the samples through the decimation table.
    @inline(__always)
    private static func gatherRadix4(
        _ input: UnsafePointer<Int16>, _ shift: Int16, _ source: UnsafePointer<Int32>,
        _ re: UnsafeMutablePointer<Int16>, _ im: UnsafeMutablePointer<Int16>, butterflies: Int
    ) {
        let quarter: Int32 = 32_767 / 4
        let unit = unitTwiddle
        for b in 0..<butterflies {
            let o = b &* 4
            let (x0r, x0i) = load(input, source[o], shift)
            let (x1r, x1i) = load(input, source[o &+ 1], shift)
            let (x2r, x2i) = load(input, source[o &+ 2], shift)
            let (x3r, x3i) = load(input, source[o &+ 3], shift)
            let a0r = divide(x0r, by: quarter), a0i = divide(x0i, by: quarter)
            // Multiplying by 32767 + 0i rounds each component on its own.
            let s0r = roundQ15(Int32(divide(x1r, by: quarter)) &* unit)
            let s0i = roundQ15(Int32(divide(x1i, by: quarter)) &* unit)
            let s1r = roundQ15(Int32(divide(x2r, by: quarter)) &* unit)
            let s1i = roundQ15(Int32(divide(x2i, by: quarter)) &* unit)
            let s2r = roundQ15(Int32(divide(x3r, by: quarter)) &* unit)
            let s2i = roundQ15(Int32(divide(x3i, by: quarter)) &* unit)
            let s5r = a0r &- s1r, s5i = a0i &- s1i
            let f0r = a0r &+ s1r, f0i = a0i &+ s1i
            let s3r = s0r &+ s2r, s3i = s0i &+ s2i
            let s4r = s0r &- s2r, s4i = s0i &- s2i
            re[o &+ 2] = f0r &- s3r
            im[o &+ 2] = f0i &- s3i
            re[o] = f0r &+ s3r
            im[o] = f0i &+ s3i
            re[o &+ 1] = s5r &+ s4i
            im[o &+ 1] = s5i &- s4r
            re[o &+ 3] = s5r &- s4i
            im[o &+ 3] = s5i &+ s4r
        }
    }

    /// kf_bfly2 with m == 1 (twiddle 32767 + 0i), fused with the gather like ``gatherRadix4``.
    @inline(__always)
    private static func gatherRadix2(
        _ input: UnsafePointer<Int16>, _ shift: Int16, _ source: UnsafePointer<Int32>,
        _ re: UnsafeMutablePointer<Int16>, _ im: UnsafeMutablePointer<Int16>, butterflies: Int
    ) {
        let half: Int32 = 32_767 / 2
        let unit = unitTwiddle
        for b in 0..<butterflies {
            let o = b &* 2
            let (x0r, x0i) = load(input, source[o], shift)
            let (x1r, x1i) = load(input, source[o &+ 1], shift)
            let a0r = divide(x0r, by: half), a0i = divide(x0i, by: half)
            let tr = roundQ15(Int32(divide(x1r, by: half)) &* unit)
            let ti = roundQ15(Int32(divide(x1i, by: half)) &* unit)
            re[o &+ 1] = a0r &- tr
            im[o &+ 1] = a0i &- ti
            re[o] = a0r &+ tr
            im[o] = a0i &+ ti
        }
    }

    /// kissfft's `sround(a * b)`: a Q15 product rounded to nearest, stored to 16 bits.
    @inline(__always)
    private static func roundQ15(_ x: Int32) -> Int16 {
        Int16(truncatingIfNeeded: (x &+ 16_384) &>> 15)
    }

    /// kissfft's `C_FIXDIV` for one component: multiply by `32767 / radix` in Q15.
    @inline(__always)
    private static func divide(_ x: Int16, by factor: Int32) -> Int16 {
        roundQ15(Int32(x) &* factor)
    }

    /// kissfft's `C_MUL`: (ar + i ai)(br + i bi), each component rounded in Q15.
    @inline(__always)
    private static func multiply(_ ar: Int16, _ ai: Int16, _ br: Int16, _ bi: Int16) -> (Int16, Int16) {
        let ar32 = Int32(ar), ai32 = Int32(ai), br32 = Int32(br), bi32 = Int32(bi)
        return (roundQ15(ar32 &* br32 &- ai32 &* bi32), roundQ15(ar32 &* bi32 &+ ai32 &* br32))
    }

    /// kf_bfly4 (forward) on one block of `4 * m` values.
    @inline(__always)
    private static func radix4(
        _ re: UnsafeMutablePointer<Int16>, _ im: UnsafeMutablePointer<Int16>, _ m: Int,
        _ twiddles: UnsafePointer<Int16>
    ) {
        let quarter: Int32 = 32_767 / 4
        let w1r = twiddles, w1i = twiddles + m
        let w2r = twiddles + 2 &* m, w2i = twiddles + 3 &* m
        let w3r = twiddles + 4 &* m, w3i = twiddles + 5 &* m
        let re1 = re + m, im1 = im + m
        let re2 = re + 2 &* m, im2 = im + 2 &* m
        let re3 = re + 3 &* m, im3 = im + 3 &* m
        for k in 0..<m {
            let a0r = divide(re[k], by: quarter), a0i = divide(im[k], by: quarter)
            let a1r = divide(re1[k], by: quarter), a1i = divide(im1[k], by: quarter)
            let a2r = divide(re2[k], by: quarter), a2i = divide(im2[k], by: quarter)
            let a3r = divide(re3[k], by: quarter), a3i = divide(im3[k], by: quarter)
            let (s0r, s0i) = multiply(a1r, a1i, w1r[k], w1i[k])
            let (s1r, s1i) = multiply(a2r, a2i, w2r[k], w2i[k])
            let (s2r, s2i) = multiply(a3r, a3i, w3r[k], w3i[k])
            let s5r = a0r &- s1r, s5i = a0i &- s1i
            let f0r = a0r &+ s1r, f0i = a0i &+ s1i
            let s3r = s0r &+ s2r, s3i = s0i &+ s2i
            let s4r = s0r &- s2r, s4i = s0i &- s2i
            re2[k] = f0r &- s3r
            im2[k] = f0i &- s3i
            re[k] = f0r &+ s3r
            im[k] = f0i &+ s3i
            re1[k] = s5r &+ s4i
            im1[k] = s5i &- s4r
            re3[k] = s5r &- s4i
            im3[k] = s5i &+ s4r
        }
    }

    /// kf_bfly2 on one block of `2 * m` values.
    @inline(__always)
    private static func radix2(
        _ re: UnsafeMutablePointer<Int16>, _ im: UnsafeMutablePointer<Int16>, _ m: Int,
        _ twiddles: UnsafePointer<Int16>
    ) {
        let half: Int32 = 32_767 / 2
        let wr = twiddles, wi = twiddles + m
        let re1 = re + m, im1 = im + m
        for k in 0..<m {
            let a0r = divide(re[k], by: half), a0i = divide(im[k], by: half)
            let a1r = divide(re1[k], by: half), a1i = divide(im1[k], by: half)
            let (tr, ti) = multiply(a1r, a1i, wr[k], wi[k])
            re1[k] = a0r &- tr
            im1[k] = a0i &- ti
            re[k] = a0r &+ tr
            im[k] = a0i &+ ti
        }
    }

    /// kiss_fftr's split of the packed complex transform into the real transform's bins.
    private func splitReal() {
        let n = complexCount
        let re = workReal, im = workImag
        let outRe = outputReal, outIm = outputImag
        let half: Int32 = 32_767 / 2
        let dcReal = Self.divide(re[0], by: half)
        let dcImag = Self.divide(im[0], by: half)
        outRe[0] = dcReal &+ dcImag
        outRe[n] = dcReal &- dcImag
        outIm[0] = 0
        outIm[n] = 0
        let twr = splitTwiddleReal, twi = splitTwiddleImag
        var k = 1
        while k <= n / 2 {
            let mirror = n &- k
            let pkr = Self.divide(re[k], by: half)
            let pki = Self.divide(im[k], by: half)
            let pnkr = Self.divide(re[mirror], by: half)
            let pnki = Self.divide(0 &- im[mirror], by: half)
            let f1r = pkr &+ pnkr, f1i = pki &+ pnki
            let f2r = pkr &- pnkr, f2i = pki &- pnki
            let (tr, ti) = Self.multiply(f2r, f2i, twr[k &- 1], twi[k &- 1])
            let f1r32 = Int32(f1r), f1i32 = Int32(f1i), tr32 = Int32(tr), ti32 = Int32(ti)
            outRe[k] = Int16(truncatingIfNeeded: (f1r32 &+ tr32) &>> 1)
            outIm[k] = Int16(truncatingIfNeeded: (f1i32 &+ ti32) &>> 1)
            // At k == n/2 this writes the same bin again; the second write wins, as in kissfft.
            outRe[mirror] = Int16(truncatingIfNeeded: (f1r32 &- tr32) &>> 1)
            outIm[mirror] = Int16(truncatingIfNeeded: (ti32 &- f1i32) &>> 1)
            k &+= 1
        }
    }
}
