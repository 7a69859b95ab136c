/// A value guarded by a lock, for state that several threads share.
// Invariant (why @unchecked Sendable is sound): `value` is read and written only inside
// `withLock`, which holds `lock` for the whole access.
final class LockedBox<Value>: @unchecked Sendable {
    private let lock = PosixCondition()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
