import Dispatch
import EarshotWire
import Foundation

/// The phase-2 function for one segment: pick the verifier, run it on an inference worker and
/// build the keyed prediction. Stateless: everything it needs comes with the call.
public struct SegmentPipeline: Sendable {
    /// The model versions.
    public let registry: ModelRegistry
    /// The inference workers.
    public let pool: InferencePool
    /// Where model runs are counted.
    public let metrics: CloudMetrics?
    /// The model that verifies a wake word no model is named after (nil: the first active).
    public let defaultVerifier: String?
    /// Speech-to-intent after a verified wake word; nil: verification only.
    public let understanding: CommandUnderstanding?
    /// The contexts understanding chooses from.
    public let contexts: ContextRegistry?
    /// The context for requests and devices that name none (nil: the first active).
    public let defaultContext: String?
    /// Each device's context.
    public let deviceContexts: [String: String]

    /// Creates a pipeline.
    public init(
        registry: ModelRegistry, pool: InferencePool, metrics: CloudMetrics?, defaultVerifier: String?,
        understanding: CommandUnderstanding? = nil, contexts: ContextRegistry? = nil, defaultContext: String? = nil,
        deviceContexts: [String: String] = [:]
    ) {
        self.registry = registry
        self.pool = pool
        self.metrics = metrics
        self.defaultVerifier = defaultVerifier
        self.understanding = understanding
        self.contexts = contexts
        self.defaultContext = defaultContext
        self.deviceContexts = deviceContexts
    }

    /// The context a segment is understood in: the one the request names (`NAME` or
    /// `NAME@VERSION`), else the device's, else the default, else the first active.
    ///
    /// - Throws: ``CloudError`` `not_found` when the named context has no active (or no such) version.
    public func context(requested: String?, device: String?) throws -> LoadedContext? {
        guard let contexts, understanding != nil else { return nil }
        if let requested = requested ?? device.flatMap({ deviceContexts[$0] }) ?? defaultContext {
            let parts = requested.split(separator: "@", maxSplits: 1).map(String.init)
            let found = parts.count == 2 ? contexts.loaded(parts[0], version: parts[1]) : contexts.active(parts[0])
            guard let found else { throw CloudError(.notFound, "no context '\(requested)' is loaded") }
            return found
        }
        return contexts.activeNames.first.flatMap { contexts.active($0) }
    }

    /// Runs the pipeline on `samples` for `key`.
    ///
    /// - Parameters:
    ///   - wakeWord: the label the edge detected; selects the verifier.
    ///   - model: run this version instead of the active verifier (KServe, batch).
    ///   - started: when the request's body was complete (for `total_ms`).
    /// - Throws: ``CloudError`` `unavailable` with no model, `overloaded` when the queue is full.
    public func predict(
        key: SegmentKey, samples: [Int16], wakeWord: String?, model: LoadedModel? = nil, context requested: String? = nil,
        started: UInt64 = DispatchTime.now().uptimeNanoseconds
    ) async throws -> SegmentPrediction {
        guard let verifier = model ?? registry.verifier(for: wakeWord, fallback: defaultVerifier) else {
            throw CloudError(.unavailable, "no verifier model is loaded", retryAfter: 5)
        }
        let context = try self.context(requested: requested, device: key.deviceID)
        let understanding = self.understanding
        let spokenWakeWord = wakeWord ?? verifier.card.wakeWord
        let understands = understanding != nil && context != nil
        let (verification, verifyQueueSeconds) = try await pool.submit { worker in
            let begin = DispatchTime.now().uptimeNanoseconds
            let output = try worker.verifier(for: verifier).verify(samples)
            let verifySeconds = Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9
            let audio = output.verified && understands ? CommandUnderstanding.withNoiseFloor(samples) : []
            return (output, verifySeconds, audio)
        }
        let (output, verifySeconds, audio) = verification
        var queueSeconds = verifyQueueSeconds
        var understood: Understanding?
        var stages = ["verify": Self.milliseconds(verifySeconds)]
        if output.verified, let understanding, let context {
            // The two recognition passes are independent: two follow-up jobs, the longer (free-form)
            // first, so that a request uses both cores when the service is not saturated and a
            // lone free worker starts the long pass at once.
            let passes = try await pool.submitFollowUps([
                { @Sendable _ in try Self.timed { try understanding.recognizeFreely(audio) } },
                { @Sendable _ in try Self.timed { try understanding.recognizeInGrammar(audio, context: context, wakeWord: spokenWakeWord) } },
            ])
            let (free, constrained) = (passes[0], passes[1])
            queueSeconds += max(constrained.queueSeconds, free.queueSeconds)
            stages["recognize_grammar"] = Self.milliseconds(constrained.value.seconds)
            stages["recognize_free"] = Self.milliseconds(free.value.seconds)
            // The stage lasts as long as its longer pass (they run side by side).
            understood = understanding.decide(
                constrained: constrained.value.result, free: free.value.result, context: context, wakeWord: spokenWakeWord,
                recognizeSeconds: max(constrained.value.seconds, free.value.seconds))
        }
        let reference = verifier.reference
        metrics?.inference(model: reference.name, version: reference.version, seconds: verifySeconds)
        metrics?.verifierDecision(model: reference.name, version: reference.version, accepted: output.verified)
        var models = [reference]
        var inferenceSeconds = verifySeconds
        if let understood, let understanding, let context {
            models += [understanding.reference, context.reference]
            stages["recognize"] = Self.milliseconds(understood.recognizeSeconds)
            stages["intent"] = Self.milliseconds(understood.parseSeconds)
            inferenceSeconds += understood.recognizeSeconds + understood.parseSeconds
            metrics?.inference(
                model: understanding.reference.name, version: understanding.reference.version, seconds: understood.recognizeSeconds)
        }
        let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        var prediction = SegmentPrediction(
            key: key, verified: output.verified, score: (output.score * 1e6).rounded() / 1e6, models: models,
            timings: PredictionTimings(
                queueMilliseconds: Self.milliseconds(queueSeconds), inferenceMilliseconds: Self.milliseconds(inferenceSeconds),
                totalMilliseconds: Self.milliseconds(total), stages: stages))
        prediction.record(understood, attempted: understands)
        return prediction
    }

    /// Runs `model` on `samples` directly on the calling thread (for the plain-loop baseline and
    /// single-file tools); `verifier` must be the caller's own.
    public static func verifyInline(_ samples: [Int16], verifier: WakeWordVerifier) throws -> VerifierOutput {
        try verifier.verify(samples)
    }

    private static func timed<T>(_ work: () throws -> T) rethrows -> (result: T, seconds: Double) {
        let begin = DispatchTime.now().uptimeNanoseconds
        let result = try work()
        return (result, Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
    }

    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1e6).rounded() / 1e3 }
}
