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

    /// Creates a pipeline.
    public init(registry: ModelRegistry, pool: InferencePool, metrics: CloudMetrics?, defaultVerifier: String?) {
        self.registry = registry
        self.pool = pool
        self.metrics = metrics
        self.defaultVerifier = defaultVerifier
    }

    /// Runs the pipeline on `samples` for `key`.
    ///
    /// - Parameters:
    ///   - wakeWord: the label the edge detected; selects the verifier.
    ///   - model: run this version instead of the active verifier (KServe, batch).
    ///   - started: when the request's body was complete (for `total_ms`).
    /// - Throws: ``CloudError`` `unavailable` with no model, `overloaded` when the queue is full.
    public func predict(
        key: SegmentKey, samples: [Int16], wakeWord: String?, model: LoadedModel? = nil,
        started: UInt64 = DispatchTime.now().uptimeNanoseconds
    ) async throws -> SegmentPrediction {
        guard let verifier = model ?? registry.verifier(for: wakeWord, fallback: defaultVerifier) else {
            throw CloudError(.unavailable, "no verifier model is loaded", retryAfter: 5)
        }
        let (result, queueSeconds) = try await pool.submit { context in
            let begin = DispatchTime.now().uptimeNanoseconds
            let output = try context.verifier(for: verifier).verify(samples)
            return (output, Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
        }
        let (output, inferenceSeconds) = result
        let reference = verifier.reference
        metrics?.inference(model: reference.name, version: reference.version, seconds: inferenceSeconds)
        metrics?.verifierDecision(model: reference.name, version: reference.version, accepted: output.verified)
        let total = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return SegmentPrediction(
            key: key, verified: output.verified, score: (output.score * 1e6).rounded() / 1e6, models: [reference],
            timings: PredictionTimings(
                queueMilliseconds: Self.milliseconds(queueSeconds), inferenceMilliseconds: Self.milliseconds(inferenceSeconds),
                totalMilliseconds: Self.milliseconds(total), stages: ["verify": Self.milliseconds(inferenceSeconds)]))
    }

    /// Runs `model` on `samples` directly on the calling thread (for the plain-loop baseline and
    /// single-file tools); `verifier` must be the caller's own.
    public static func verifyInline(_ samples: [Int16], verifier: WakeWordVerifier) throws -> VerifierOutput {
        try verifier.verify(samples)
    }

    static func milliseconds(_ seconds: Double) -> Double { (seconds * 1e6).rounded() / 1e3 }
}
