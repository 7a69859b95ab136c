import Foundation
import Testing

@testable import EarshotAudio

@Suite struct ResamplerTests {
    private func tone(_ frequency: Double, rate: Int, seconds: Double = 1) -> [Float] {
        (0..<Int(Double(rate) * seconds)).map { Float(0.5 * sin(2 * Double.pi * frequency * Double($0) / Double(rate))) }
    }

    private func resample(_ input: [Float], from inputRate: Int, to outputRate: Int) throws -> [Float] {
        var resampler = try Resampler(inputRate: inputRate, outputRate: outputRate)
        var output: [Float] = []
        resampler.process(input, into: &output)
        resampler.flush(into: &output)
        return output
    }

    /// RMS level in dB relative to the input tone (amplitude 0.5), ignoring the edges.
    private func level(_ samples: [Float]) -> Double {
        let middle = samples[(samples.count / 4)..<(3 * samples.count / 4)]
        let power = middle.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(middle.count)
        return 10 * log10(max(power, 1e-30) / 0.125)
    }

    @Test(arguments: [(48_000, 9_000.0), (48_000, 12_000.0), (48_000, 20_000.0), (44_100, 8_600.0), (44_100, 15_000.0), (32_000, 10_000.0)])
    func stopBandIsAttenuatedAtLeast80dB(rate: Int, frequency: Double) throws {
        let output = try resample(tone(frequency, rate: rate), from: rate, to: 16_000)
        let attenuation = -level(output)
        #expect(attenuation >= 80, "\(frequency) Hz at \(rate) Hz: only \(attenuation) dB")
    }

    @Test(arguments: [(48_000, 1_000.0), (44_100, 3_000.0), (44_100, 7_000.0), (8_000, 3_000.0)])
    func passBandIsFlat(rate: Int, frequency: Double) throws {
        let output = try resample(tone(frequency, rate: rate), from: rate, to: 16_000)
        #expect(abs(level(output)) < 0.05, "\(frequency) Hz at \(rate) Hz changed by \(level(output)) dB")
    }

    @Test func upsamplingLeavesNoImages() throws {
        // 8 kHz → 16 kHz: a 3 kHz tone must not leave an image at 5 kHz.
        let output = try resample(tone(3_000, rate: 8_000), from: 8_000, to: 16_000)
        let middle = Array(output[4_000..<12_000])
        func magnitude(_ frequency: Double) -> Double {
            var real = 0.0, imaginary = 0.0
            for (index, value) in middle.enumerated() {
                let angle = 2 * Double.pi * frequency * Double(index) / 16_000
                real += Double(value) * cos(angle)
                imaginary -= Double(value) * sin(angle)
            }
            return (real * real + imaginary * imaginary).squareRoot()
        }
        let ratio = 20 * log10(magnitude(5_000) / magnitude(3_000))
        #expect(ratio < -80, "image at \(ratio) dB")
    }

    @Test func outputLengthIsTheExactProportion() throws {
        for (rate, count) in [(44_100, 44_100), (44_100, 12_345), (48_000, 1), (8_000, 999), (22_050, 7)] {
            let output = try resample([Float](repeating: 0.1, count: count), from: rate, to: 16_000)
            let expected = (count * 16_000 + rate - 1) / rate
            #expect(output.count == expected, "\(count) samples at \(rate) Hz gave \(output.count)")
        }
    }

    @Test func chunkedStreamingEqualsOneCall() throws {
        let input = TestSupport.signal(count: 44_100, sampleRate: 44_100)
        let whole = try resample(input, from: 44_100, to: 16_000)
        var resampler = try Resampler(inputRate: 44_100, outputRate: 16_000)
        var streamed: [Float] = []
        var offset = 0
        var size = 1
        while offset < input.count {
            let end = min(input.count, offset + size)
            resampler.process(input[offset..<end], into: &streamed)
            offset = end
            size = size * 3 % 1_000 + 1
        }
        resampler.flush(into: &streamed)
        #expect(streamed == whole)
    }

    @Test func identityPassesSamplesThrough() throws {
        let input = TestSupport.signal(count: 1_000, sampleRate: 16_000)
        #expect(try resample(input, from: 16_000, to: 16_000) == input)
    }

    @Test func rejectsNonPositiveRates() {
        #expect(throws: AudioError.self) { try Resampler(inputRate: 0, outputRate: 16_000) }
    }
}
