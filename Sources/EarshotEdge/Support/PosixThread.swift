#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts detached POSIX threads, in place of Foundation's `Thread` (the edge binary links
/// FoundationEssentials only). Blocking work (libcurl, fsync, waits) runs on such threads,
/// never on the Swift concurrency pool.
enum PosixThread {
    /// Runs `body` on a new detached thread; `name` is for the error when none can be had.
    /// (Glibc's module does not export `pthread_setname_np`, so the thread keeps the process's
    /// name.)
    ///
    /// Stops the process when the system refuses a thread, as `Thread.start()` does.
    static func detach(name: String, _ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Body(run: body)).toOpaque()
        var handle = pthread_t()
        let result = pthread_create(
            &handle, nil,
            { context in
                let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
                body.run()
                return nil
            }, box)
        guard result == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            fatalError("cannot start thread \(name): \(String(cString: strerror(result)))")
        }
        pthread_detach(handle)
    }

    private final class Body {
        let run: @Sendable () -> Void
        init(run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
