import Testing

@testable import EarshotInference

/// TFLite's requantization arithmetic on hand-computed cases.
@Suite struct FixedPointTests {
    @Test func quantizeMultiplierSplitsSignificandAndShift() {
        #expect(FixedPoint.quantizeMultiplier(0.5) == (1 << 30, 0))
        #expect(FixedPoint.quantizeMultiplier(0.25) == (1 << 30, -1))
        #expect(FixedPoint.quantizeMultiplier(1.0) == (1 << 30, 1))
        #expect(FixedPoint.quantizeMultiplier(0) == (0, 0))
        // 0.75 = 0.75 * 2^0: significand round(0.75 * 2^31).
        #expect(FixedPoint.quantizeMultiplier(0.75) == (1_610_612_736, 0))
    }

    @Test func saturatingRoundingDoublingHighMul() {
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(Int32.min, Int32.min) == Int32.max)
        // 3 * 0.5 = 1.5 rounds away from zero to 2; -1.5 to -2 (the nudge makes it symmetric).
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(3, 1 << 30) == 2)
        #expect(FixedPoint.saturatingRoundingDoublingHighMul(-3, 1 << 30) == -1)
    }

    @Test func roundingDivideByPowerOfTwoRoundsHalfAwayFromZero() {
        #expect(FixedPoint.roundingDivideByPOT(5, 1) == 3)
        #expect(FixedPoint.roundingDivideByPOT(-5, 1) == -3)
        #expect(FixedPoint.roundingDivideByPOT(6, 2) == 2)
        #expect(FixedPoint.roundingDivideByPOT(-6, 2) == -2)
        #expect(FixedPoint.roundingDivideByPOT(7, 0) == 7)
    }

    @Test func doubleAndSingleRoundingDiffer() {
        // 5 * 0.25 = 1.25: gemmlowp rounds twice (2.5 -> 3, then 1.5 -> 2), one rounding gives 1.
        #expect(FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(5, 1 << 30, -1) == 2)
        #expect(FixedPoint.multiplyByQuantizedMultiplierSingleRounding(5, 1 << 30, -1) == 1)
        // -6 * 0.25 = -1.5: away from zero when rounding twice, up when rounding once.
        #expect(FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(-6, 1 << 30, -1) == -2)
        #expect(FixedPoint.multiplyByQuantizedMultiplierSingleRounding(-6, 1 << 30, -1) == -1)
        // 3 * 0.25 = 0.75 -> 1 either way; a left shift: 3 * 2 = 6.
        #expect(FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(3, 1 << 30, -1) == 1)
        #expect(FixedPoint.multiplyByQuantizedMultiplierDoubleRounding(3, 1 << 30, 2) == 6)
        #expect(FixedPoint.multiplyByQuantizedMultiplierSingleRounding(3, 1 << 30, 2) == 6)
    }

    @Test func activationRanges() {
        let relu = FixedPoint.activationRange(.relu, scale: 0.5, zeroPoint: -10, qmin: -128, qmax: 127)
        #expect(relu == (-10, 127))
        let relu6 = FixedPoint.activationRange(.relu6, scale: 0.5, zeroPoint: -10, qmin: -128, qmax: 127)
        #expect(relu6 == (-10, 2))
    }
}
