import ArgumentParser
import EarshotEdge
import Foundation

/// Prints every detection in a set of recordings.
struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the detection pipeline over recordings at full speed; one JSON line per detection.",
        discussion: """
            Each line: {"file": "...", "time_s": 12.34, "score": 0.97, "label": "computer"}, where \
            time_s is when the event fired. INPUTS are WAV files, folders (every .wav below) and \
            manifests (.jsonl with {"file", "kind", "label"} lines, or .txt with one path a line). \
            Every recording starts a fresh stream.
            """
    )

    @Argument(help: "A model card, model directory or microWakeWord manifest.")
    var model: String

    @Argument(help: "WAV files, folders or manifests.")
    var inputs: [String]

    @Option(help: "Report events above this windowed mean instead of the card's cutoff (to sweep thresholds).")
    var floor: Double?

    @Option(help: "Fire at once when one invocation's probability exceeds this, as `earshot-edge run --fast-cutoff` (default: the card's rule).")
    var fastCutoff: Double?

    @Option(help: "fast (default): as fast as the machine goes; realtime: paced like a microphone.")
    var pace: Pace = .fast

    enum Pace: String, ExpressibleByArgument {
        case fast, realtime
    }

    func run() throws {
        let card = try DetectorModelCard.load(path: model, fastCutoff: fastCutoff)
        let scanner = try ReplayScanner(cards: [card], floor: floor)
        let recordings = try RecordingSet(inputs: inputs).recordings
        let progress = ProgressBar(total: recordings.count, label: "scan")
        for recording in recordings {
            let result = try scanner.scan(path: recording.path, realTime: pace == .realtime)
            for event in result.events {
                print(
                    Self.jsonLine([
                        "file": recording.path, "time_s": (event.timeSeconds * 100).rounded() / 100, "score": event.score,
                        "label": event.label,
                    ]))
            }
            progress.advance(note: recording.path)
        }
        progress.finish()
    }

    static func jsonLine(_ object: [String: Any]) -> String {
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
