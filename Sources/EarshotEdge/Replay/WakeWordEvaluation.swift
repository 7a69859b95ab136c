#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// How well one wake-word model does on labelled recordings: recall, false accepts per hour,
/// the miss rate at fixed false-accept rates (a DET table) and detection latency.
///
/// Thresholds are swept by replaying each recording's probabilities through a
/// ``WakeWordDetector`` per threshold (with the card's window and refractory time), so every
/// point is what the agent would have done at that cutoff.
public struct WakeWordEvaluation: Sendable, Codable, Equatable {
    /// One operating point.
    public struct Point: Sendable, Codable, Equatable {
        /// The cutoff.
        public var threshold: Double
        /// Positives missed, as a fraction.
        public var missRate: Double
        /// Detections on negative audio per hour.
        public var falseAcceptsPerHour: Double
        /// Detections on negative audio.
        public var falseAccepts: Int
    }

    /// The model's name.
    public var model: String
    /// The card's cutoff.
    public var cutoff: Double
    /// Positive recordings.
    public var positives: Int
    /// Positives detected at the card's cutoff.
    public var detected: Int
    /// Hours of negative audio (negatives and streams).
    public var negativeHours: Double
    /// The card's operating point.
    public var atCutoff: Point
    /// Miss rate at 0.1, 0.25, 0.5 and 1 false accepts per hour (nil where no threshold gets there).
    public var missRateAtFalseAcceptsPerHour: [String: Double?]
    /// Seconds from the end of the spoken wake word to the detection, over detected positives.
    public var latencyMedian: Double?
    /// 90th percentile of the latency.
    public var latencyP90: Double?
    /// The whole curve, one point per threshold.
    public var curve: [Point]

    /// Recall at the card's cutoff.
    public var recall: Double { positives == 0 ? 0 : Double(detected) / Double(positives) }

    /// The false-accept rates of the DET table.
    public static let tableRates = [0.1, 0.25, 0.5, 1.0]

    /// Evaluates model `modelIndex` of the scanner's pipeline on scanned recordings.
    ///
    /// - Parameters:
    ///   - results: the scans, in the same order as `recordings`.
    ///   - recordings: what each recording is.
    ///   - card: the model's card (cutoff, window, refractory time).
    ///   - modelIndex: the model's index in the pipeline.
    ///   - stride: feature frames per invocation of the model.
    ///   - speechEnds: for each positive, where its speech ends (seconds), for latency.
    public static func evaluate(
        results: [ReplayScanner.Result], recordings: [RecordingSet.Recording], card: DetectorModelCard, modelIndex: Int,
        stride: Int, speechEnds: [String: Double] = [:]
    ) -> WakeWordEvaluation {
        let isPositive = recordings.map { $0.kind == .positive && ($0.label == nil || $0.label == card.name) }
        let isNegative = recordings.map {
            ($0.kind == .negative || $0.kind == .stream) || ($0.kind == .positive && !($0.label == nil || $0.label == card.name))
        }
        let negativeSeconds = zip(results, isNegative).filter(\.1).reduce(0.0) { $0 + $1.0.duration }
        let hours = negativeSeconds / 3600
        let positives = isPositive.filter { $0 }.count

        func point(_ threshold: Double) -> (Point, firstFirings: [Int: Int]) {
            var missed = 0
            var falseAccepts = 0
            var firstFirings: [Int: Int] = [:]
            let refractory = Int((card.refractorySeconds * 100 / Double(stride)).rounded(.up))
            for (index, result) in results.enumerated() where isPositive[index] || isNegative[index] {
                var detector = WakeWordDetector(
                    cutoff: threshold, windowSize: card.slidingWindowSize, refractoryInvocations: refractory, fastCutoff: card.fastCutoff)
                var firings = 0
                for invocation in result.probabilities[modelIndex] where detector.push(invocation.probability) != nil {
                    if firings == 0 { firstFirings[index] = invocation.sampleIndex }
                    firings += 1
                }
                if isPositive[index] && firings == 0 { missed += 1 }
                if isNegative[index] { falseAccepts += firings }
            }
            let point = Point(
                threshold: threshold, missRate: positives == 0 ? 0 : Double(missed) / Double(positives),
                falseAcceptsPerHour: hours > 0 ? Double(falseAccepts) / hours : 0, falseAccepts: falseAccepts)
            return (point, firstFirings)
        }

        let (atCutoff, firings) = point(card.probabilityCutoff)
        let thresholds = Set((1...99).map { Double($0) / 100 } + [card.probabilityCutoff]).sorted()
        let curve = thresholds.map { point($0).0 }
        var table: [String: Double?] = [:]
        for rate in tableRates {
            let reachable = curve.filter { $0.falseAcceptsPerHour <= rate }
            table[String(rate)] = reachable.map(\.missRate).min()
        }
        var latencies: [Double] = []
        for (index, sample) in firings where isPositive[index] {
            if let end = speechEnds[recordings[index].path] { latencies.append(Double(sample) / 16_000 - end) }
        }
        latencies.sort()
        return WakeWordEvaluation(
            model: card.name, cutoff: card.probabilityCutoff, positives: positives, detected: firings.keys.filter { isPositive[$0] }.count,
            negativeHours: hours, atCutoff: atCutoff, missRateAtFalseAcceptsPerHour: table,
            latencyMedian: latencies.isEmpty ? nil : latencies[latencies.count / 2],
            latencyP90: latencies.isEmpty ? nil : latencies[min(latencies.count - 1, latencies.count * 9 / 10)],
            curve: curve)
    }
}
