import EarshotAudio
import EarshotFeatures

/// Labels whole recordings with a classifier model (a command classifier over a window of
/// features), by one of two ``Decision``s. A recording shorter than the model's window is padded
/// with silence.
public final class ReplayClassifier {
    /// Which of the model's windows label a recording.
    public enum Decision: Sendable {
        /// Every window votes with its scores; the recording takes the label of the single
        /// highest score.
        case bestWindow
        /// The last window the model runs on: a word at the end of a longer recording, as the
        /// streaming agent hears it, with its frontend's noise estimate adapted to what came
        /// before.
        case lastWindow
    }

    /// The classifier.
    public let model: FrameModel
    private let frontend: FeatureFrontend

    /// Loads a classifier card.
    ///
    /// - Throws: ``EdgeError`` (`invalidModel`) if the card is not a classifier.
    public init(card: DetectorModelCard) throws {
        guard card.kind == .classifier else {
            throw EdgeError(.invalidModel, card.modelURL.path, "\(card.name) is a wake-word model; classify needs a classifier card")
        }
        model = try FrameModel(card: card)
        frontend = try FeatureFrontend(configuration: .microWakeWord)
    }

    /// The label of a recording and its score.
    public func classify(path: String, decision: Decision = .bestWindow) throws -> (label: String, score: Float) {
        frontend.reset()
        model.reset()
        var samples = try AudioFileReader.readAll(path: path)
        // Pad so that at least one full window (plus the frontend's own window) is seen.
        let windowSamples = ((model.card.windowFrames ?? model.framesPerInvocation) + 2) * frontend.stepSampleCount
        if samples.count < windowSamples { samples += [Int16](repeating: 0, count: windowSamples - samples.count) }
        var best = (label: model.card.labels.first ?? "", score: -Float.infinity)
        try frontend.process(samples) { frame in
            guard try model.push(frame.features) else { return }
            if decision == .lastWindow { best.score = -.infinity }
            for (index, label) in model.card.labels.enumerated() where model.scores[index] > best.score {
                best = (label, model.scores[index])
            }
        }
        return best
    }
}
