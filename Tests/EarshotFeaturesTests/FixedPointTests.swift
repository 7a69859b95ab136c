import Testing

@testable import EarshotFeatures

/// The fast rounded square root must equal TFLM's bit-by-bit `Sqrt32`/`Sqrt64` everywhere.
@Suite struct FixedPointTests {
    /// TFLM's digit-by-digit square root with its rounding, written out as the C code runs it.
    static func bitwiseSquareRoot(_ input: UInt64) -> UInt32 {
        if input >> 32 == 0 {
            var num = UInt32(input)
            if num == 0 { return 0 }
            var res: UInt32 = 0
            let maxBitNumber = num.leadingZeroBitCount | 1
            var bit = UInt32(1) << UInt32(31 - maxBitNumber)
            var iterations = (31 - maxBitNumber) / 2 + 1
            while iterations > 0 {
                iterations -= 1
                if num >= res &+ bit {
                    num -= res &+ bit
                    res = (res >> 1) &+ bit
                } else {
                    res >>= 1
                }
                bit >>= 2
            }
            if num > res && res != 0xFFFF { res += 1 }
            return res
        }
        var num = input
        var res: UInt64 = 0
        let maxBitNumber = num.leadingZeroBitCount | 1
        var bit = UInt64(1) << UInt64(63 - maxBitNumber)
        var iterations = (63 - maxBitNumber) / 2 + 1
        while iterations > 0 {
            iterations -= 1
            if num >= res &+ bit {
                num -= res &+ bit
                res = (res >> 1) &+ bit
            } else {
                res >>= 1
            }
            bit >>= 2
        }
        if num > res && res != 0xFFFF_FFFF { res += 1 }
        return UInt32(truncatingIfNeeded: res)
    }

    @Test func squareRootMatchesBitwiseAlgorithmAtEdges() {
        var inputs: [UInt64] = [0, 1, 2, 3, 4, 5, 0xFFFF_FFFF, 0x1_0000_0000, 0xFFFF_FFFF_FFFF_FFFF, 0xFFFF_FFFE_0000_0001]
        for root in [UInt64(1), 2, 255, 256, 0xFFFF, 0x10000, 0xFFFF_FFFF, 0x1234_5678, 0xFFFF_FFF0] {
            for square in [root * root, root * root + root, root * root + root + 1] {
                inputs += [square &- 1, square, square &+ 1]
            }
        }
        for shift in 0..<64 { inputs += [UInt64(1) << UInt64(shift), (UInt64(1) << UInt64(shift)) &- 1] }
        for x in inputs {
            #expect(MelFilterbank.roundedSquareRoot(x) == Self.bitwiseSquareRoot(x), "x = \(x)")
        }
    }

    @Test func squareRootMatchesBitwiseAlgorithmOnRandomValues() {
        var generator = SplitMix64(seed: 42)
        var mismatches = 0
        for i in 0..<200_000 {
            // Spread over all magnitudes: random value shifted by a random amount.
            let x = generator.next() >> UInt64(i % 64)
            if MelFilterbank.roundedSquareRoot(x) != Self.bitwiseSquareRoot(x) { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }
}
