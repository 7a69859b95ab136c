#if canImport(Glibc)
    import Glibc
#endif

/// Decides, 10 ms at a time, whether someone is speaking.
///
/// Each frame's level is the energy of the last three frames in dBFS. The noise floor is the
/// 10th percentile of the levels of the last ``Settings/floorWindowFrames`` frames, updated
/// ten times a second, so steady room noise (a fan, a tap, dishes) is learned within that
/// window and ignored, while a few odd frames (a fade-in, a click) do not drag it down. A frame is speech when its level stands ``Settings/threshold`` dB above the floor
/// and above ``Settings/absoluteFloor``; a short hangover bridges gaps between syllables.
public struct VoiceActivityDetector: Sendable {
    /// Tuning of the detector.
    public struct Settings: Sendable, Equatable {
        /// Decibels above the noise floor that count as speech.
        public var threshold: Double
        /// Frames quieter than this (dBFS) are never speech.
        public var absoluteFloor: Double
        /// Frames that stay "speech" after the last loud one.
        public var hangoverFrames: Int
        /// Frames the noise floor is the minimum of (2 s by default).
        public var floorWindowFrames: Int

        /// Creates settings; the defaults were tuned on the shared recordings.
        public init(threshold: Double = 12, absoluteFloor: Double = -60, hangoverFrames: Int = 15, floorWindowFrames: Int = 200) {
            self.threshold = threshold
            self.absoluteFloor = absoluteFloor
            self.hangoverFrames = hangoverFrames
            self.floorWindowFrames = floorWindowFrames
        }
    }

    /// Samples per decision (10 ms at 16 kHz).
    public static let frameLength = 160

    /// The tuning in use.
    public let settings: Settings

    private var recentEnergy: (Double, Double, Double) = (0, 0, 0)
    private var levels: [Double]
    private var scratch: [Double]
    private var framesSeen = 0
    private var hangover = 0
    private var floor = -120.0

    /// Creates a detector.
    public init(settings: Settings = Settings()) {
        precondition(settings.floorWindowFrames >= 1, "floorWindowFrames must be positive")
        self.settings = settings
        levels = [Double](repeating: 0, count: settings.floorWindowFrames)
        scratch = levels
    }

    /// The current noise-floor estimate, dBFS.
    public var noiseFloor: Double { floor }

    private mutating func updateFloor() {
        let count = min(framesSeen, levels.count)
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: levels[0..<count])
        floor = scratch.withUnsafeMutableBufferPointer { OrderStatistic.smallest(count / 10, in: $0) }
    }

    /// Classifies one frame of ``frameLength`` samples (fewer at the end of a stream).
    public mutating func isSpeech(_ frame: UnsafeBufferPointer<Int16>) -> Bool {
        var energy: Int64 = 0
        for sample in frame { energy &+= Int64(sample) &* Int64(sample) }
        let meanSquare = Double(energy) / Double(max(frame.count, 1)) / (32_768.0 * 32_768.0)
        recentEnergy = (recentEnergy.1, recentEnergy.2, meanSquare)
        let level = 10 * log10((recentEnergy.0 + recentEnergy.1 + recentEnergy.2) / 3 + 1e-12)
        levels[framesSeen % levels.count] = level
        framesSeen += 1
        if framesSeen % 10 == 0 || framesSeen < 10 { updateFloor() }
        if level > noiseFloor + settings.threshold && level > settings.absoluteFloor {
            hangover = settings.hangoverFrames
            return true
        }
        if hangover > 0 {
            hangover -= 1
            return true
        }
        return false
    }

    /// Forgets the noise floor and any hangover.
    public mutating func reset() {
        recentEnergy = (0, 0, 0)
        framesSeen = 0
        hangover = 0
        floor = -120
    }
}
