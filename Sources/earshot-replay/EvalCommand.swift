import ArgumentParser
import EarshotAudio
import EarshotEdge
import Foundation

/// Scores models on labelled recordings.
struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Recall, false accepts per hour, a DET table and latency on labelled recordings.",
        discussion: """
            MANIFEST is a .jsonl file, one recording a line: {"file": "clips/a.wav", "kind": \
            "positive", "label": "computer"}; kind is positive (holds the wake word once), \
            negative or stream (long audio without it). Positives labelled for another model \
            count as negatives. Prints a table; --json and --svg write the figures and the DET curve.
            """
    )

    @Argument(help: "The labelled recordings (.jsonl manifest).")
    var manifest: String

    @Option(name: .long, help: "A model card, model directory or microWakeWord manifest; repeat for several.")
    var model: [String]

    @Option(help: "Write the evaluation as JSON here.")
    var json: String?

    @Option(help: "Write the DET curve as SVG here.")
    var svg: String?

    @Option(help: "Fire at once when one invocation's probability exceeds this, as `earshot-edge run --fast-cutoff` (default: the card's rule).")
    var fastCutoff: Double?

    @Option(help: "Also send each segment the edge cuts to this cloud and score the two-phase result.")
    var cloud: String?

    @Option(help: "With --cloud: file holding the device token.")
    var tokenFile: String?

    @Option(help: "With --cloud: the device id the token belongs to (keys are made under it).")
    var deviceId = "replay"

    mutating func validate() throws {
        guard !model.isEmpty else { throw ValidationError("give at least one --model") }
        if cloud != nil && tokenFile == nil { throw ValidationError("--cloud needs --token-file") }
    }

    func run() throws {
        let cards = try model.map { try DetectorModelCard.load(path: $0, fastCutoff: fastCutoff) }
        let scanner = try ReplayScanner(cards: cards)
        let recordings = try RecordingSet(inputs: [manifest]).recordings
        guard !recordings.isEmpty else { throw ValidationError("\(manifest): no recordings") }
        let progress = ProgressBar(total: recordings.count, label: "eval")
        var results: [ReplayScanner.Result] = []
        var speechEnds: [String: Double] = [:]
        for recording in recordings {
            results.append(try scanner.scan(path: recording.path))
            if recording.kind == .positive {
                speechEnds[recording.path] = SpeechBoundary.end(of: try AudioFileReader.readAll(path: recording.path))
            }
            progress.advance(note: recording.path)
        }
        progress.finish()
        let evaluations = cards.enumerated().map { index, card in
            WakeWordEvaluation.evaluate(
                results: results, recordings: recordings, card: card, modelIndex: index,
                stride: scanner.pipeline.models[index].framesPerInvocation, speechEnds: speechEnds)
        }
        for evaluation in evaluations { print(Self.table(evaluation)) }
        if let cloud, let tokenFile {
            let scorer = try TwoPhaseScorer(cards: cards, cloudURL: cloud, tokenFile: tokenFile, deviceID: deviceId)
            let progress = ProgressBar(total: recordings.count, label: "two-phase")
            var outcomes: [TwoPhaseScorer.Outcome] = []
            for recording in recordings {
                outcomes.append(try scorer.score(path: recording.path))
                progress.advance(note: recording.path)
            }
            progress.finish()
            let summary = TwoPhaseScorer.summarize(outcomes, recordings: recordings, label: cards.count == 1 ? cards[0].name : nil)
            print(
                String(
                    format:
                        "two-phase (%@): recall edge %.1f%% → with the cloud %.1f%% of %d positives; false accepts per hour edge %.2f → with the cloud %.2f (%.2f h)",
                    cloud, summary.edgeRecall * 100, summary.twoPhaseRecall * 100, summary.positives, summary.edgeFalseAcceptsPerHour,
                    summary.twoPhaseFalseAcceptsPerHour, summary.negativeHours))
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(evaluations).write(to: URL(fileURLWithPath: json))
        }
        if let svg { try DETPlot.svg(evaluations).write(toFile: svg, atomically: true, encoding: .utf8) }
    }

    static func table(_ evaluation: WakeWordEvaluation) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f%%", $0 * 100) } ?? "  n/a" }
        func seconds(_ value: Double?) -> String { value.map { String(format: "%.3f s", $0) } ?? "n/a" }
        var lines = [
            "model \(evaluation.model) (cutoff \(evaluation.cutoff))",
            String(
                format: "  recall %@ (%d of %d positives)   false accepts %d in %.2f h = %.2f per hour",
                percent(evaluation.recall), evaluation.detected, evaluation.positives, evaluation.atCutoff.falseAccepts,
                evaluation.negativeHours, evaluation.atCutoff.falseAcceptsPerHour),
            "  latency after the wake word: median \(seconds(evaluation.latencyMedian)), p90 \(seconds(evaluation.latencyP90))",
            "  miss rate at   0.1 FA/h  0.25 FA/h  0.5 FA/h  1 FA/h",
        ]
        let row = WakeWordEvaluation.tableRates.map { percent(evaluation.missRateAtFalseAcceptsPerHour[String($0)] ?? nil) }
        lines.append("                 " + row.joined(separator: "     "))
        return lines.joined(separator: "\n")
    }
}
