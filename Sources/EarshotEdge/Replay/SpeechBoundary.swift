#if canImport(Glibc)
    import Glibc
#endif

/// Where the speech in a short clean-ish clip ends, for measuring detection latency.
public enum SpeechBoundary {
    /// The end (seconds) of the last 10 ms frame within `range` dB of the clip's loudest
    /// frame; nil for an empty clip.
    public static func end(of samples: [Int16], range: Double = 30) -> Double? {
        let frames = samples.count / 160
        guard frames > 0 else { return nil }
        var levels = [Double](repeating: -120, count: frames)
        for frame in 0..<frames {
            var energy = 0.0
            for index in (frame * 160)..<(frame * 160 + 160) { energy += Double(samples[index]) * Double(samples[index]) }
            levels[frame] = 10 * log10(energy / 160 / (32_768 * 32_768) + 1e-12)
        }
        let loudest = levels.max()!
        guard let last = levels.lastIndex(where: { $0 >= loudest - range }) else { return nil }
        return Double(last + 1) * 0.01
    }
}
