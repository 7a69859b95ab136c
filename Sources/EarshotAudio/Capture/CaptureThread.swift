#if canImport(Glibc)
    import Glibc
#endif

/// Runs a blocking ``SampleSource`` on a dedicated POSIX thread and hands each chunk to a
/// handler, so that ALSA reads never block the Swift concurrency pool.
///
/// The handler runs on the capture thread; it returns `false` to stop. ``stop()`` asks the
/// loop to end after the read in hand, and ``wait()`` joins the thread and returns the error
/// that ended it, if any.
public final class CaptureThread: @unchecked Sendable {
    // Invariant: `source`, `buffer` and `handler` are touched only by the capture thread
    // once `start()` returns; the other fields are guarded by `lock`.
    private let source: any SampleSource
    private let handler: (UnsafeBufferPointer<Int16>) -> Bool
    private var buffer: [Int16]
    private var lock = pthread_mutex_t()
    private var stopRequested = false
    private var failure: (any Error)?
    private var thread: pthread_t?

    /// Prepares a loop reading `chunkSize` samples at a time from `source`.
    ///
    /// - Parameters:
    ///   - source: the source to read; it must not be used elsewhere once started.
    ///   - chunkSize: samples per handler call (the last chunk may be shorter).
    ///   - handler: called on the capture thread with each chunk; return `false` to stop.
    public init(
        source: any SampleSource,
        chunkSize: Int = 160,
        handler: @escaping (UnsafeBufferPointer<Int16>) -> Bool
    ) {
        precondition(chunkSize > 0, "chunkSize must be positive")
        self.source = source
        self.handler = handler
        self.buffer = [Int16](repeating: 0, count: chunkSize)
        pthread_mutex_init(&lock, nil)
    }

    deinit { pthread_mutex_destroy(&lock) }

    /// Starts the thread.
    public func start() throws {
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(
            &handle, nil,
            { context in
                let loop = Unmanaged<CaptureThread>.fromOpaque(context!).takeRetainedValue()
                loop.run()
                return nil
            }, context)
        guard result == 0 else {
            Unmanaged<CaptureThread>.fromOpaque(context).release()
            throw AudioError(.deviceError, "capture thread", "cannot start: \(String(cString: strerror(result)))")
        }
        thread = handle
    }

    /// Asks the loop to end after the read in progress.
    public func stop() {
        pthread_mutex_lock(&lock)
        stopRequested = true
        pthread_mutex_unlock(&lock)
    }

    /// Waits for the thread to end; returns the error that ended it, or nil at a clean end.
    @discardableResult
    public func wait() -> (any Error)? {
        if let thread {
            pthread_join(thread, nil)
            self.thread = nil
        }
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return failure
    }

    private var shouldStop: Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return stopRequested
    }

    private func run() {
        do {
            while !shouldStop {
                let count = try buffer.withUnsafeMutableBufferPointer { try source.read(into: $0) }
                if count == 0 { break }
                let keepGoing = buffer.withUnsafeBufferPointer { handler(UnsafeBufferPointer(rebasing: $0[0..<count])) }
                if !keepGoing { break }
            }
        } catch {
            pthread_mutex_lock(&lock)
            failure = error
            pthread_mutex_unlock(&lock)
        }
    }
}
