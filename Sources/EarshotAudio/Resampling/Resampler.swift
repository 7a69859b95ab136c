#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A streaming anti-aliasing resampler: a Kaiser-windowed sinc, evaluated in polyphase form.
///
/// The filter's pass band runs to 90 % of the lower rate's Nyquist frequency and its stop
/// band starts at 105 % of it with at least ``stopBandAttenuation`` dB of attenuation, so a
/// 44.1 or 48 kHz recording comes down to 16 kHz without aliasing into the speech band.
/// Feed any number of samples per call; call ``flush(into:)`` once at the end of the stream.
/// The output is aligned with the input (no delay) and holds `ceil(inputCount × out / in)`
/// samples in all.
public struct Resampler: Sendable {
    /// The rate samples arrive at.
    public let inputRate: Int
    /// The rate samples leave at.
    public let outputRate: Int
    /// The designed stop-band attenuation in dB.
    public static let stopBandAttenuation = 90.0

    private let upFactor: Int  // L: output rate / gcd
    private let downFactor: Int  // M: input rate / gcd
    private let phaseCount: Int
    private let tapCount: Int
    private let coefficients: [Float]  // phaseCount × tapCount, phase-major
    private var pending: [Float]  // input not yet consumed; pending[position] is the first tap
    private var position = 0
    private var phase = 0
    private var inputCount = 0
    private var outputCount = 0
    private var flushed = false

    /// Creates a resampler between two rates.
    ///
    /// - Throws: ``AudioError`` with code `invalidArgument` for a rate that is not positive.
    public init(inputRate: Int, outputRate: Int) throws {
        guard inputRate > 0, outputRate > 0 else {
            throw AudioError(.invalidArgument, "resampler", "rates must be positive (got \(inputRate) → \(outputRate) Hz)")
        }
        self.inputRate = inputRate
        self.outputRate = outputRate
        let divisor = Self.greatestCommonDivisor(inputRate, outputRate)
        upFactor = outputRate / divisor
        downFactor = inputRate / divisor
        // Rates with huge reduced ratios (44101 → 16000) share a finite phase table.
        phaseCount = min(upFactor, 1024)

        let lowerNyquist = 0.5 * Double(min(inputRate, outputRate))
        let cutoff = 0.975 * lowerNyquist / Double(inputRate)  // cycles per input sample
        let transition = 0.15 * lowerNyquist / Double(inputRate)
        let attenuation = Self.stopBandAttenuation
        let beta = 0.1102 * (attenuation - 8.7)
        let length = (attenuation - 7.95) / (2.285 * 2 * Double.pi * transition)
        let halfWidth = max(2, Int((length / 2).rounded(.up)))
        tapCount = 2 * halfWidth

        var coefficients = [Float](repeating: 0, count: phaseCount * tapCount)
        let besselOfBeta = Self.besselI0(beta)
        for phase in 0..<phaseCount {
            let fraction = Double(phase) / Double(phaseCount)
            var taps = [Double](repeating: 0, count: tapCount)
            for tap in 0..<tapCount {
                let time = Double(halfWidth - 1 - tap) + fraction  // in input samples
                let ratio = time / Double(halfWidth)
                guard abs(ratio) < 1 else { continue }
                let window = Self.besselI0(beta * (1 - ratio * ratio).squareRoot()) / besselOfBeta
                let argument = 2 * cutoff * time
                let sinc = argument == 0 ? 1 : sin(Double.pi * argument) / (Double.pi * argument)
                taps[tap] = 2 * cutoff * sinc * window
            }
            let gain = taps.reduce(0, +)  // normalise every phase to unit gain at DC
            for tap in 0..<tapCount { coefficients[phase * tapCount + tap] = Float(taps[tap] / gain) }
        }
        self.coefficients = coefficients
        pending = [Float](repeating: 0, count: halfWidth - 1)
    }

    /// True when the rates are equal and samples pass through unchanged.
    public var isIdentity: Bool { inputRate == outputRate }

    /// Taps each output sample costs.
    public var tapsPerOutput: Int { tapCount }

    /// Resamples `input` and appends the samples it completes to `output`.
    public mutating func process(_ input: some Collection<Float>, into output: inout [Float]) {
        precondition(!flushed, "Resampler.process called after flush; call reset() first")
        inputCount += input.count
        if isIdentity {
            output.append(contentsOf: input)
            outputCount += input.count
            return
        }
        pending.append(contentsOf: input)
        emit(into: &output, limit: Int.max)
    }

    /// Ends the stream: appends the remaining samples to `output`.
    public mutating func flush(into output: inout [Float]) {
        guard !flushed else { return }
        flushed = true
        guard !isIdentity else { return }
        let total = (inputCount * upFactor + downFactor - 1) / downFactor
        pending.append(contentsOf: repeatElement(0, count: tapCount))
        emit(into: &output, limit: total)
    }

    /// Forgets all input, ready for a new stream.
    public mutating func reset() {
        pending = [Float](repeating: 0, count: tapCount / 2 - 1)
        position = 0
        phase = 0
        inputCount = 0
        outputCount = 0
        flushed = false
    }

    private mutating func emit(into output: inout [Float], limit: Int) {
        let taps = tapCount
        let up = upFactor
        let down = downFactor
        let phases = phaseCount
        coefficients.withUnsafeBufferPointer { table in
            pending.withUnsafeBufferPointer { samples in
                while position + taps <= samples.count && outputCount < limit {
                    let row = (phase &* phases / up) &* taps
                    var sum: Float = 0
                    for tap in 0..<taps {
                        sum += samples[position &+ tap] * table[row &+ tap]
                    }
                    output.append(sum)
                    outputCount += 1
                    phase += down
                    position += phase / up
                    phase %= up
                }
            }
        }
        let consumed = min(position, pending.count)
        pending.removeFirst(consumed)
        position -= consumed
    }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    /// The zeroth-order modified Bessel function of the first kind, by its power series.
    private static func besselI0(_ x: Double) -> Double {
        var sum = 1.0
        var term = 1.0
        var k = 1.0
        while term > sum * 1e-17 {
            term *= (x / (2 * k)) * (x / (2 * k))
            sum += term
            k += 1
        }
        return sum
    }
}
