import EarshotFeatures

/// Frames → frontend → models → detectors: the detection half of the edge agent, shared by
/// `earshot-edge` and `earshot-replay`.
///
/// One ``FeatureFrontend`` feeds every wake-word model; each model has its own
/// ``WakeWordDetector`` with the rule from its card. A classifier's detector follows its best
/// non-background label's score, and its events carry that label. Feed any number of samples per call.
public final class DetectionPipeline {
    /// The models, in the order they were given.
    public let models: [FrameModel]
    /// Samples consumed since creation or the last reset.
    public private(set) var samplesProcessed = 0

    private let frontend: FeatureFrontend
    private var detectors: [WakeWordDetector]

    /// Loads every model a card names.
    ///
    /// - Parameters:
    ///   - cards: the models to run, each with its detection rule.
    ///   - cutoffOverride: a cutoff to use instead of each card's (a low "floor" lets a caller
    ///     sweep thresholds over the events).
    ///   - refractoryOverride: seconds to use instead of each card's refractory time.
    public init(cards: [DetectorModelCard], cutoffOverride: Double? = nil, refractoryOverride: Double? = nil) throws {
        precondition(!cards.isEmpty, "a pipeline needs at least one model")
        frontend = try FeatureFrontend(configuration: .microWakeWord)
        models = try cards.map { try FrameModel(card: $0) }
        let framesPerSecond = 1_000.0 / Double(frontend.configuration.stepDurationMilliseconds)
        detectors = models.map { model in
            let refractory = refractoryOverride ?? model.card.refractorySeconds
            return WakeWordDetector(
                cutoff: cutoffOverride ?? model.card.probabilityCutoff,
                windowSize: model.card.slidingWindowSize,
                refractoryInvocations: Int((refractory * framesPerSecond / Double(model.framesPerInvocation)).rounded(.up)),
                fastCutoff: model.card.fastCutoff
            )
        }
        for model in models where model.channels != frontend.channelCount {
            throw EdgeError(
                .invalidModel, model.card.modelURL.path,
                "the model takes \(model.channels) features per frame, the frontend makes \(frontend.channelCount)")
        }
    }

    /// Runs `samples` (16 kHz mono) through the pipeline and reports each detection.
    ///
    /// - Parameters:
    ///   - samples: the next samples of the stream.
    ///   - onInvocation: called after every model invocation with the model's index, its
    ///     probability and the stream position; replay uses it to sweep thresholds.
    ///   - onEvent: called with each detection.
    public func process(
        _ samples: UnsafeBufferPointer<Int16>,
        onInvocation: ((_ model: Int, _ probability: Float, _ sampleIndex: Int) -> Void)? = nil,
        onEvent: (DetectionEvent) throws -> Void
    ) throws {
        let step = frontend.stepSampleCount
        let window = frontend.windowSampleCount
        try frontend.process(samples) { frame in
            for index in models.indices {
                guard try models[index].push(frame.features) else { continue }
                let (label, probability) = models[index].detection
                onInvocation?(index, probability, frame.index * step + window)
                guard let score = detectors[index].push(probability) else { continue }
                try onEvent(
                    DetectionEvent(label: label, score: score, frameIndex: frame.index, sampleIndex: frame.index * step + window))
            }
        }
        samplesProcessed += samples.count
    }

    /// Returns every part to its initial state, ready for an unrelated stream.
    public func reset() {
        frontend.reset()
        for model in models { model.reset() }
        for index in detectors.indices { detectors[index].reset() }
        samplesProcessed = 0
    }
}
