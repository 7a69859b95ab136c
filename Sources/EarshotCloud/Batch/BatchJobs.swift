import Foundation
import Logging

/// Batch jobs submitted over HTTP (`POST /v1/batches`): run in the background through the same
/// pipeline, with progress and results kept in the store.
final class BatchJobs: Sendable {
    let store: any SegmentStore
    let pipeline: SegmentPipeline
    let logger: Logger

    init(store: any SegmentStore, pipeline: SegmentPipeline, logger: Logger) {
        self.store = store
        self.pipeline = pipeline
        self.logger = logger
    }
}
