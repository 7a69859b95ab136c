import EarshotAudio
import EarshotWire
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Scores the two-phase system: each recording runs through the edge pipeline and segmenter as
/// the agent would, every segment is sent to the cloud, and a detection counts for the system
/// only when the cloud verifies it.
public final class TwoPhaseScorer {
    /// What one recording gave.
    public struct Outcome: Sendable, Equatable {
        /// Segments the edge cut (its detections at the cards' cutoffs).
        public var edgeDetections: Int
        /// Of those, segments the cloud verified.
        public var verifiedDetections: Int
        /// Seconds of audio.
        public var duration: Double
    }

    /// The totals over a set of recordings.
    public struct Summary: Sendable, Codable, Equatable {
        /// Positives with at least one edge detection, as a fraction.
        public var edgeRecall: Double
        /// Positives with at least one verified detection, as a fraction.
        public var twoPhaseRecall: Double
        /// Edge detections per hour of negative audio.
        public var edgeFalseAcceptsPerHour: Double
        /// Verified detections per hour of negative audio.
        public var twoPhaseFalseAcceptsPerHour: Double
        /// Positive recordings.
        public var positives: Int
        /// Hours of negative audio.
        public var negativeHours: Double
    }

    private let cutter: ReplaySegmentCutter
    private let uploader: CurlUploader
    private let deviceID: String
    private let boot: Int
    private var sequence = 0

    /// Creates a scorer that uploads as device `deviceID` with the token in `tokenFile`.
    public init(cards: [DetectorModelCard], cloudURL: String, tokenFile: String, deviceID: String) throws {
        cutter = try ReplaySegmentCutter(cards: cards)
        uploader = try CurlUploader(configuration: UploaderConfiguration(baseURL: cloudURL, tokenFile: tokenFile))
        self.deviceID = deviceID
        // A fresh boot number per run, so that keys never repeat across runs.
        boot = Int(Date().timeIntervalSince1970) % 1_000_000
    }

    /// Runs one recording and asks the cloud about each of its segments.
    ///
    /// - Throws: ``EdgeError`` when the cloud cannot be reached (a segment it refuses, such as a
    ///   silent one, counts as not verified).
    public func score(path: String) throws -> Outcome {
        let samples = try AudioFileReader.readAll(path: path)
        let segments = try cutter.cut(samples)
        var verified = 0
        for segment in segments where try send(segment) { verified += 1 }
        return Outcome(edgeDetections: segments.count, verifiedDetections: verified, duration: Double(samples.count) / 16_000)
    }

    /// Totals for `outcomes` of `recordings` (the same order); `label` picks the positives.
    public static func summarize(_ outcomes: [Outcome], recordings: [RecordingSet.Recording], label: String?) -> Summary {
        var positives = 0, edgeHits = 0, verifiedHits = 0, edgeFalse = 0, verifiedFalse = 0
        var negativeSeconds = 0.0
        for (outcome, recording) in zip(outcomes, recordings) {
            let positive = recording.kind == .positive && (recording.label == nil || label == nil || recording.label == label)
            if positive {
                positives += 1
                if outcome.edgeDetections > 0 { edgeHits += 1 }
                if outcome.verifiedDetections > 0 { verifiedHits += 1 }
            } else if recording.kind != .unknown {
                negativeSeconds += outcome.duration
                edgeFalse += outcome.edgeDetections
                verifiedFalse += outcome.verifiedDetections
            }
        }
        let hours = negativeSeconds / 3_600
        return Summary(
            edgeRecall: positives == 0 ? 0 : Double(edgeHits) / Double(positives),
            twoPhaseRecall: positives == 0 ? 0 : Double(verifiedHits) / Double(positives),
            edgeFalseAcceptsPerHour: hours > 0 ? Double(edgeFalse) / hours : 0,
            twoPhaseFalseAcceptsPerHour: hours > 0 ? Double(verifiedFalse) / hours : 0,
            positives: positives, negativeHours: hours)
    }

    private func send(_ segment: CapturedSegment) throws -> Bool {
        let key = try SegmentKey(deviceID: deviceID, boot: boot, sequence: sequence)
        sequence += 1
        let now = Date()
        let metadata = SegmentMetadata(
            key: key, wakeWord: segment.event.label, score: segment.event.score,
            model: ModelReference(name: segment.event.label, version: "replay"), captureStart: now,
            captureEnd: now.addingTimeInterval(segment.duration))
        let wav = SegmentWAV.encode(samples: segment.samples)
        let spooled = SpooledSegment(entry: SpoolEntry(key: key, byteCount: wav.count, spooledAt: now), metadata: metadata, wav: wav)
        switch uploader.upload(spooled) {
        case .delivered(_, let prediction):
            return prediction?.verified ?? false
        case .retry(let status, let reason, _):
            throw EdgeError(.transport, key.description, "the cloud did not answer (\(status.map(String.init) ?? "no status")): \(reason)")
        case .refused:
            return false  // e.g. a silent segment: the cloud answers 4xx and verifies nothing
        }
    }
}
