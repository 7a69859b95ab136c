#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Time spent in one operator of the main graph.
public struct OperatorTiming: Sendable {
    /// The kernel's position in the main graph's run list (operators with nothing to do at
    /// run time, such as VAR_HANDLE, are not in it).
    public var index: Int
    /// The operator.
    public var opcode: BuiltinOperator
    /// Mean nanoseconds per invocation.
    public var nanoseconds: Double
}

extension Interpreter {
    /// Runs the model `invocations` times on the current inputs, timing each operator of the
    /// main graph separately (subgraphs called by IF or CALL_ONCE count towards their caller).
    /// Variables change as in ordinary invocations.
    public func profileOperators(invocations: Int) throws -> [OperatorTiming] {
        let graph = mainGraph
        var totals = [UInt64](repeating: 0, count: graph.kernels.count)
        for _ in 0..<max(invocations, 1) {
            for (k, kernel) in graph.kernels.enumerated() {
                let start = monotonicNanoseconds()
                try kernel.invoke(executionContext)
                totals[k] += monotonicNanoseconds() - start
            }
        }
        return totals.enumerated().map {
            OperatorTiming(
                index: $0.offset, opcode: graph.kernelOpcodes[$0.offset], nanoseconds: Double($0.element) / Double(max(invocations, 1)))
        }
    }
}

/// Nanoseconds on the monotonic clock (what `DispatchTime.now().uptimeNanoseconds` reads on
/// Linux, without linking Dispatch or Foundation).
private func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}
