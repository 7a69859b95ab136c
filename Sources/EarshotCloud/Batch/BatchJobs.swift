import Foundation
import Logging

/// Batch jobs submitted over HTTP (`POST /v1/batches`): run in the background through the
/// server's inference pool (so they share the cores with uploads), with progress and every
/// result line kept in the store.
final class BatchJobs: Sendable {
    let store: any SegmentStore
    let pipeline: SegmentPipeline
    let logger: Logger

    init(store: any SegmentStore, pipeline: SegmentPipeline, logger: Logger) {
        self.store = store
        self.pipeline = pipeline
        self.logger = logger
    }

    /// Resolves the inputs, records a queued job and starts it; returns the record.
    func submit(inputs: [String], modelName: String?) async throws -> BatchJobRecord {
        guard !inputs.isEmpty else { throw CloudError(.badRequest, "'inputs' must name at least one file, folder, manifest or glob") }
        let items = try BatchInputs.items(inputs)
        let model: LoadedModel
        if let modelName {
            guard let active = pipeline.registry.active(modelName) else {
                throw CloudError(.notFound, "model '\(modelName)' is not loaded")
            }
            model = active
        } else {
            guard let first = pipeline.registry.verifier(for: nil, fallback: pipeline.defaultVerifier) else {
                throw CloudError(.unavailable, "no verifier model is loaded", retryAfter: 5)
            }
            model = first
        }
        let record = BatchJobRecord(
            id: UUID().uuidString.lowercased(), status: "running", total: items.count, completed: 0, failed: 0, createdAt: Date())
        try await store.saveBatch(record)
        var jobLogger = logger
        jobLogger[metadataKey: "batch"] = "\(record.id)"
        jobLogger.info("batch job started", metadata: ["inputs": "\(items.count)", "model": "\(model.reference)"])
        let store = self.store
        let pool = pipeline.pool
        Task.detached {
            var progress = record
            do {
                try await BatchRunner(model: model, pool: pool, concurrency: pool.workerCount).run(items) { result in
                    try await store.addBatchResult(batchID: record.id, key: result.key, line: result.jsonLine())
                    progress.completed += 1
                    if result.error != nil { progress.failed += 1 }
                    if progress.completed % 25 == 0 { try await store.saveBatch(progress) }
                }
                progress.status = "done"
            } catch {
                progress.status = "failed"
                jobLogger.error("batch job failed", metadata: ["error": "\(error)"])
            }
            try? await store.saveBatch(progress)
            jobLogger.info("batch job finished", metadata: ["completed": "\(progress.completed)", "failed": "\(progress.failed)"])
        }
        return record
    }
}
