import EarshotWire
import Logging

/// Writes finished segments into a ``Spool`` on a thread of its own, so that the thread reading
/// the microphone never waits for WAV encoding, fsync or rename.
///
/// ``submit(_:samples:)`` queues a segment and returns at once. The writer thread encodes it
/// (``EarshotWire/SegmentWAV``) and calls ``Spool/enqueue(_:wav:)``, which keeps the spool's
/// crash safety (temporary file, fsync, rename, fsync of the folder). A segment counts as
/// spooled only once that returns. The queue holds at most `capacity` segments: when the disk
/// stalls that long, a new segment is dropped (counted in ``DeliveryCounters/dropped`` and
/// logged with its key) rather than blocking capture. The first write error is kept;
/// ``checkFailure()`` throws it on the capture thread, as a synchronous write would have.
/// ``finish()`` writes what is queued, ends the thread and throws that error too.
final class SpoolWriter: @unchecked Sendable {
    // Invariant (why @unchecked Sendable is sound): `pending`, `written`, `failure`,
    // `finishing` and `finished` are read and written only while `condition` is locked; `spool`
    // and `logger` are Sendable and immutable.
    private let spool: Spool
    private let capacity: Int
    private let logger: Logger
    private let condition = PosixCondition()
    private var pending: [Job] = []
    private var written = 0
    private var failure: (any Error)?
    private var finishing = false
    private var finished = false

    /// Starts the writer thread.
    ///
    /// - Parameters:
    ///   - spool: where segments go.
    ///   - capacity: segments that may wait for the disk (8 s each at most: 256 KB of samples).
    ///   - logger: where each write is logged, with the segment's key.
    init(spool: Spool, capacity: Int = 16, logger: Logger) {
        precondition(capacity > 0, "capacity must be positive")
        self.spool = spool
        self.capacity = capacity
        self.logger = logger
        PosixThread.detach(name: "earshot-spool") { [self] in writeUntilFinished() }
    }

    /// Segments written into the spool so far.
    var writtenCount: Int { condition.withLock { written } }

    /// Queues a segment for the spool; false when the queue was full and it was dropped.
    ///
    /// - Parameters:
    ///   - metadata: the segment's metadata, with its key.
    ///   - samples: 16 kHz mono audio.
    ///   - logMetadata: added to the `segment spooled` line logged once it is on disk.
    @discardableResult
    func submit(_ metadata: SegmentMetadata, samples: [Int16], logMetadata: Logger.Metadata = [:]) -> Bool {
        let accepted = condition.withLock {
            guard pending.count < capacity else { return false }
            pending.append(Job(metadata: metadata, samples: samples, logMetadata: logMetadata))
            condition.broadcast()
            return true
        }
        if !accepted {
            spool.counterBox.withLock { $0.dropped += 1 }
            spool.logger(for: metadata.key).error(
                "segment dropped: the spool's disk is behind by \(capacity) segments",
                metadata: ["seconds": "\(Double(samples.count) / 16_000)"])
        }
        return accepted
    }

    /// Throws the first error a write met, if any.
    func checkFailure() throws {
        if let failure = condition.withLock({ failure }) { throw failure }
    }

    /// Writes every queued segment, ends the writer thread and throws the first write error.
    func finish() throws {
        condition.withLock {
            finishing = true
            condition.broadcast()
            while !finished { condition.wait() }
        }
        try checkFailure()
    }

    private func writeUntilFinished() {
        while let job = nextJob() {
            do {
                try spool.enqueue(job.metadata, wav: SegmentWAV.encode(samples: job.samples))
                condition.withLock { written += 1 }
                var metadata = job.logMetadata
                metadata["key"] = "\(job.metadata.key)"
                logger.info("segment spooled", metadata: metadata)
            } catch {
                logger.error("cannot spool the segment", metadata: ["key": "\(job.metadata.key)", "error": "\(error)"])
                condition.withLock {
                    if failure == nil { failure = error }
                }
            }
        }
    }

    /// The next queued segment; nil once ``finish()`` was asked and the queue is empty (the
    /// writer then marks itself finished).
    private func nextJob() -> Job? {
        condition.withLock {
            while pending.isEmpty, !finishing { condition.wait() }
            guard pending.isEmpty else { return pending.removeFirst() }
            finished = true
            condition.broadcast()
            return nil
        }
    }

    private struct Job {
        var metadata: SegmentMetadata
        var samples: [Int16]
        var logMetadata: Logger.Metadata
    }
}
