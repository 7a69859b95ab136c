#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A POSIX mutex with a condition variable whose timed waits run on the monotonic clock, in
/// place of Foundation's `NSCondition` (the edge binary links FoundationEssentials only).
// Invariant (why @unchecked Sendable is sound): the mutex and the condition live at fixed
// addresses allocated here, and pthread makes every call on them safe from any thread.
final class PosixCondition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
            pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func lock() { pthread_mutex_lock(mutex) }
    func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` with the mutex held.
    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock()
        defer { unlock() }
        return try body()
    }

    /// Wakes every waiter; call with the mutex held.
    func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits for a broadcast (or a spurious wake-up); call with the mutex held.
    func wait() { pthread_cond_wait(condition, mutex) }

    /// Waits for a broadcast until `deadline`; false when the deadline passed. Call with the
    /// mutex held.
    func wait(until deadline: Deadline) -> Bool {
        var time = deadline.time
        #if canImport(Darwin)
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            time = Deadline.adding(Deadline.seconds(deadline.time) - Deadline.seconds(Deadline.now().time), to: now)
        #endif
        return pthread_cond_timedwait(condition, mutex, &time) != ETIMEDOUT
    }

    /// A point on the monotonic clock.
    struct Deadline {
        fileprivate var time: timespec

        /// `seconds` from now (negative counts as zero).
        static func after(seconds: Double) -> Deadline {
            Deadline(time: adding(max(0, seconds), to: now().time))
        }

        /// Whether the deadline is past.
        var hasPassed: Bool { Deadline.seconds(Deadline.now().time) >= Deadline.seconds(time) }

        fileprivate static func now() -> Deadline {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            return Deadline(time: now)
        }

        fileprivate static func seconds(_ time: timespec) -> Double { Double(time.tv_sec) + Double(time.tv_nsec) / 1e9 }

        fileprivate static func adding(_ seconds: Double, to time: timespec) -> timespec {
            // Waits longer than ten years are as good as forever, and keep tv_sec in range.
            let whole = min(seconds.rounded(.down), 315_360_000)
            var result = time
            result.tv_sec += Int(whole)
            result.tv_nsec += Int(((seconds - whole) * 1e9).rounded())
            if result.tv_nsec >= 1_000_000_000 {
                result.tv_sec += 1
                result.tv_nsec -= 1_000_000_000
            }
            return result
        }
    }
}
