import ArgumentParser
import EarshotAudio
import EarshotEdge
import EarshotFeatures
import Foundation

/// Writes the segments the edge agent would cut from recordings.
struct Segments: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cut recordings into the segments the edge agent would send; one JSON line per recording.",
        discussion: """
            The detection pipeline and the segmenter run as the agent runs them (agent defaults: \
            0.5 s pre-roll, 0.7 s trailing silence, 8 s at most). Every segment is written to \
            OUT/r<recording>-s<segment>.wav. Each line: {"file", "duration_s", "segments": \
            [{"wav", "trigger_s", "score", "start_s", "end_s", "wake_word_start_s", "end_reason"}]} \
            with times in the recording. --frames N also writes the first N feature frames of each \
            segment, as the windowed verifier computes them, to a .npy beside its WAV. --floor replaces the card's cutoff (a lower one mines \
            near misses). INPUTS as for scan.
            """
    )

    @Argument(help: "A model card, model directory or microWakeWord manifest.")
    var model: String

    @Argument(help: "WAV files, folders or manifests.")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The folder the segment WAV files go to (created if missing).")
    var out: String

    @Option(help: "Use this cutoff instead of the card's.")
    var floor: Double?

    @Option(help: "Also write each segment's first N feature frames (silence-padded) as a float32 .npy beside its WAV.")
    var frames: Int?

    func run() throws {
        let card = try DetectorModelCard.load(path: model)
        let cutter = try ReplaySegmentCutter(cards: [card], floor: floor)
        let recordings = try RecordingSet(inputs: inputs).recordings
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        let frontend = try FeatureFrontend(configuration: .microWakeWord)
        let progress = ProgressBar(total: recordings.count, label: "segments")
        for (index, recording) in recordings.enumerated() {
            let samples = try AudioFileReader.readAll(path: recording.path)
            var lines: [[String: Any]] = []
            for (number, segment) in try cutter.cut(samples).enumerated() {
                let path = out + "/" + String(format: "r%06d-s%02d.wav", index, number)
                try WAVWriter.write(segment.samples, to: path)
                if let frames {
                    let features = segment.samples.withUnsafeBufferPointer { frontend.leadingFeatures(of: $0, count: frames) }
                    let writer = try NPYWriter(
                        path: String(path.dropLast(4)) + ".npy", columnCount: frontend.channelCount, elementType: .float32)
                    let channels = frontend.channelCount
                    try features.withUnsafeBufferPointer { all in
                        for row in 0..<frames {
                            try writer.append(UnsafeBufferPointer(rebasing: all[(row * channels)..<((row + 1) * channels)]))
                        }
                    }
                    try writer.finish()
                }
                lines.append([
                    "wav": path, "trigger_s": segment.event.timeSeconds, "score": segment.event.score,
                    "start_s": Double(segment.startSample) / 16_000, "end_s": Double(segment.endSample) / 16_000,
                    "wake_word_start_s": Double(segment.wakeWordStartSample) / 16_000,
                    "end_reason": segment.endReason.rawValue,
                ])
            }
            print(Scan.jsonLine(["file": recording.path, "duration_s": Double(samples.count) / 16_000, "segments": lines]))
            progress.advance(note: recording.path)
        }
        progress.finish()
    }
}
