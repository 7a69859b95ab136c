/// Cuts the utterance around each wake word out of the stream.
///
/// It keeps a ring buffer of recent audio and a voice-activity decision for every 10 ms.
/// On a trigger it walks back from the detection through the speech that led to it to find
/// where the wake word began, and starts the segment ``Settings/preRoll`` before that, so the
/// first syllable is never clipped. It then follows the speaker and ends the segment once
/// ``Settings/trailingSilence`` of silence follows the command, or at
/// ``Settings/maximumLength``. If nobody speaks within ``Settings/commandTimeout`` after the
/// wake word, the segment ends with the wake word alone.
///
/// Feed every sample with ``append(_:)`` and each detection with ``trigger(_:)`` right after
/// the chunk it fired in.
public final class Segmenter {
    /// Tuning of the segmenter, in seconds.
    public struct Settings: Sendable, Equatable {
        /// Audio kept before the estimated start of the wake word.
        public var preRoll: Double
        /// Silence after speech that ends the segment.
        public var trailingSilence: Double
        /// The longest segment.
        public var maximumLength: Double
        /// How long to wait after the wake word for the command to start.
        public var commandTimeout: Double
        /// How far back from a detection the wake word's start is searched.
        public var wakeWordLookback: Double

        /// Creates settings with the agent's defaults.
        public init(
            preRoll: Double = 0.5, trailingSilence: Double = 0.7, maximumLength: Double = 8,
            commandTimeout: Double = 2, wakeWordLookback: Double = 2.5
        ) {
            self.preRoll = preRoll
            self.trailingSilence = trailingSilence
            self.maximumLength = maximumLength
            self.commandTimeout = commandTimeout
            self.wakeWordLookback = wakeWordLookback
        }
    }

    /// The tuning in use.
    public let settings: Settings
    /// Samples appended so far.
    public private(set) var samplesSeen = 0

    private static let frameLength = VoiceActivityDetector.frameLength
    private let ringCapacity: Int
    private var ring: [Int16]
    private var speechFrames: [Bool]  // one flag per 10 ms frame, as a ring too
    private var vad: VoiceActivityDetector
    private var partialFrame: [Int16] = []
    private var open: OpenSegment?

    private struct OpenSegment {
        var event: DetectionEvent
        var samples: [Int16]
        var startSample: Int
        var wakeWordStart: Int
        var triggerFrame: Int
        var lastSpeechFrame: Int
        var speechFramesAfterTrigger = 0
    }

    /// Creates a segmenter.
    public init(settings: Settings = Settings(), voiceActivity: VoiceActivityDetector.Settings = .init()) {
        self.settings = settings
        let seconds = settings.preRoll + settings.wakeWordLookback + 0.5
        ringCapacity = Int(seconds * 16_000) / Self.frameLength * Self.frameLength
        ring = [Int16](repeating: 0, count: ringCapacity)
        speechFrames = [Bool](repeating: false, count: ringCapacity / Self.frameLength)
        vad = VoiceActivityDetector(settings: voiceActivity)
    }

    /// True while a segment is being recorded.
    public var isRecording: Bool { open != nil }

    /// Adds samples that follow the previous ones.
    ///
    /// - Returns: the segments these samples completed (at most one in practice).
    public func append(_ samples: UnsafeBufferPointer<Int16>) -> [CapturedSegment] {
        var finished: [CapturedSegment] = []
        // Runs up to the next 10 ms boundary are copied at once: touching the class's stored
        // properties once per sample cost a third of the agent's CPU time in exclusivity checks.
        var index = 0
        while index < samples.count {
            let take = min(Self.frameLength - partialFrame.count, samples.count - index)
            let run = UnsafeBufferPointer(rebasing: samples[index..<(index + take)])
            index += take
            var position = samplesSeen % ringCapacity
            let capacity = ringCapacity
            ring.withUnsafeMutableBufferPointer { ring in
                for sample in run {
                    ring[position] = sample
                    position &+= 1
                    if position == capacity { position = 0 }
                }
            }
            samplesSeen += take
            partialFrame.append(contentsOf: run)
            if open != nil { open!.samples.append(contentsOf: run) }
            if partialFrame.count == Self.frameLength {
                let speech = partialFrame.withUnsafeBufferPointer { vad.isSpeech($0) }
                let frame = samplesSeen / Self.frameLength - 1
                speechFrames[frame % speechFrames.count] = speech
                partialFrame.removeAll(keepingCapacity: true)
                if let segment = advance(frame: frame, speech: speech) { finished.append(segment) }
            }
        }
        return finished
    }

    /// Opens a segment for a detection whose samples have been appended. A detection while a
    /// segment is open belongs to that segment and is ignored.
    public func trigger(_ event: DetectionEvent) {
        guard open == nil else { return }
        let triggerSample = min(event.sampleIndex, samplesSeen)
        let triggerFrame = max(0, triggerSample / Self.frameLength - 1)
        let wakeWordStart = estimateWakeWordStart(triggerFrame: triggerFrame)
        let oldestKept = max(0, samplesSeen - ringCapacity)
        let start = max(oldestKept, wakeWordStart - Int(settings.preRoll * 16_000))
        var samples: [Int16] = []
        samples.reserveCapacity(Int(settings.maximumLength * 16_000))
        for position in start..<samplesSeen { samples.append(ring[position % ringCapacity]) }
        let lastFrame = samplesSeen / Self.frameLength - 1
        let speechAfter = lastFrame >= triggerFrame ? (triggerFrame...lastFrame).filter { isSpeech(frame: $0) }.count : 0
        open = OpenSegment(
            event: event, samples: samples, startSample: start, wakeWordStart: wakeWordStart,
            triggerFrame: triggerFrame, lastSpeechFrame: triggerFrame, speechFramesAfterTrigger: speechAfter)
    }

    /// Ends the stream: returns the open segment, if any.
    public func finish() -> CapturedSegment? {
        guard let segment = open else { return nil }
        open = nil
        return close(segment, reason: .endOfStream)
    }

    private func isSpeech(frame: Int) -> Bool { speechFrames[frame % speechFrames.count] }

    /// Walks back from the detection over speech (bridging gaps up to 250 ms) to where it began.
    private func estimateWakeWordStart(triggerFrame: Int) -> Int {
        let framesPerSecond = 16_000 / Self.frameLength
        let earliest = max(
            0, triggerFrame - Int(settings.wakeWordLookback * Double(framesPerSecond)), samplesSeen / Self.frameLength - speechFrames.count)
        let gapLimit = framesPerSecond / 4
        var frame = triggerFrame
        // The detection fires shortly after the word ends: find its last speech frame first.
        while frame > earliest && !isSpeech(frame: frame) { frame -= 1 }
        guard isSpeech(frame: frame) else {
            return max(0, (triggerFrame - framesPerSecond) * Self.frameLength)  // no speech seen: assume a 1 s word
        }
        var onset = frame
        var gap = 0
        while frame > earliest {
            frame -= 1
            if isSpeech(frame: frame) {
                onset = frame
                gap = 0
            } else {
                gap += 1
                if gap > gapLimit { break }
            }
        }
        return onset * Self.frameLength
    }

    private func advance(frame: Int, speech: Bool) -> CapturedSegment? {
        guard var segment = open else { return nil }
        let framesPerSecond = Double(16_000 / Self.frameLength)
        if speech {
            segment.lastSpeechFrame = frame
            if frame > segment.triggerFrame { segment.speechFramesAfterTrigger += 1 }
        }
        open = segment
        let silence = Double(frame - segment.lastSpeechFrame) / framesPerSecond
        let sinceTrigger = Double(frame - segment.triggerFrame) / framesPerSecond
        let commandHeard = segment.speechFramesAfterTrigger >= 20
        if Double(segment.samples.count) >= settings.maximumLength * 16_000 {
            open = nil
            return close(segment, reason: .maximumLength)
        }
        if silence >= settings.trailingSilence && (commandHeard || sinceTrigger >= settings.commandTimeout) {
            open = nil
            return close(segment, reason: commandHeard ? .silence : .noCommand)
        }
        return nil
    }

    private func close(_ segment: OpenSegment, reason: CapturedSegment.EndReason) -> CapturedSegment {
        var samples = segment.samples
        if samples.count > Int(settings.maximumLength * 16_000) {
            samples.removeLast(samples.count - Int(settings.maximumLength * 16_000))
        }
        return CapturedSegment(
            event: segment.event, samples: samples, startSample: segment.startSample,
            endSample: segment.startSample + samples.count, wakeWordStartSample: segment.wakeWordStart, endReason: reason)
    }
}
