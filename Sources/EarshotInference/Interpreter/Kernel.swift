/// A prepared operator: options decoded, quantization multipliers computed and data
/// pointers bound when the interpreter planned its memory. `invoke` runs it and must not
/// allocate.
protocol Kernel: AnyObject {
    func invoke(_ context: ExecutionContext) throws
}

/// A kernel with nothing to do at run time (VAR_HANDLE: handles are resolved at load).
final class NoOpKernel: Kernel {
    func invoke(_ context: ExecutionContext) throws {}
}
