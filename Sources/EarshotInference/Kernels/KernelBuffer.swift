/// A fixed buffer a kernel owns (multipliers, lookup tables, scratch), allocated at
/// preparation and freed with the kernel, so invocations touch no Swift arrays.
final class KernelBuffer<Element: BitwiseCopyable> {
    let pointer: UnsafeMutablePointer<Element>
    let count: Int

    init(_ values: [Element]) {
        count = values.count
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: max(values.count, 1))
        if !values.isEmpty { pointer.initialize(from: values, count: values.count) }
    }

    init(repeating value: Element, count: Int) {
        self.count = count
        pointer = UnsafeMutablePointer<Element>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: value, count: max(count, 1))
    }

    deinit {
        // Only trivial element types are stored here, so no deinitialization is needed.
        pointer.deallocate()
    }
}
