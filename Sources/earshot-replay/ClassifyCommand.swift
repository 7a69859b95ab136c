import ArgumentParser
import EarshotEdge

/// Labels recordings with a classifier.
struct Classify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label each recording with a classifier model; one JSON line per file: {\"file\", \"label\", \"score\"}.",
        discussion: "INPUTS are WAV files, folders or manifests, as for scan."
    )

    @Argument(help: "A classifier's model card or model directory.")
    var model: String

    @Argument(help: "WAV files, folders or manifests.")
    var inputs: [String]

    @Flag(help: """
        Label each recording by the model's last window only: a word at the end of a longer \
        recording, heard as the streaming agent hears it (its frontend adapted to what came \
        before). Default: the single highest score of any window.
        """)
    var lastWindow = false

    func run() throws {
        let classifier = try ReplayClassifier(card: try DetectorModelCard.load(path: model))
        let recordings = try RecordingSet(inputs: inputs).recordings
        let progress = ProgressBar(total: recordings.count, label: "classify")
        for recording in recordings {
            let (label, score) = try classifier.classify(path: recording.path, decision: lastWindow ? .lastWindow : .bestWindow)
            print(Scan.jsonLine(["file": recording.path, "label": label, "score": Double(score)]))
            progress.advance(note: recording.path)
        }
        progress.finish()
    }
}
