/// A precomputed list of byte-range copies from one or more source tensors into one
/// destination: the whole work of concatenation, splitting, slicing, transposing and
/// reshaping, worked out at preparation so that invoking is only `memcpy`s.
struct CopyPlan {
    struct Run: BitwiseCopyable {
        var source: Int
        var sourceOffset: Int
        var destinationOffset: Int
        var byteCount: Int
    }

    private(set) var runs: [Run] = []

    /// Adds a copy, merging it into the previous run when both ranges continue it.
    mutating func add(source: Int, sourceOffset: Int, destinationOffset: Int, byteCount: Int) {
        guard byteCount > 0 else { return }
        if var last = runs.last, last.source == source, last.sourceOffset + last.byteCount == sourceOffset,
            last.destinationOffset + last.byteCount == destinationOffset
        {
            last.byteCount += byteCount
            runs[runs.count - 1] = last
        } else {
            runs.append(Run(source: source, sourceOffset: sourceOffset, destinationOffset: destinationOffset, byteCount: byteCount))
        }
    }
}

/// Runs a ``CopyPlan`` (for every destination the plan writes).
final class CopyKernel: Kernel {
    let sources: KernelBuffer<UnsafeRawPointer>
    let destinations: [(UnsafeMutableRawPointer, KernelBuffer<CopyPlan.Run>)]
    let destinationPointers: KernelBuffer<UnsafeMutableRawPointer>
    let runLists: [KernelBuffer<CopyPlan.Run>]

    init(sources: [UnsafeRawPointer], destinations: [(UnsafeMutableRawPointer, CopyPlan)]) {
        self.sources = KernelBuffer(sources)
        self.destinations = destinations.map { ($0.0, KernelBuffer($0.1.runs)) }
        self.destinationPointers = KernelBuffer(destinations.map(\.0))
        self.runLists = self.destinations.map(\.1)
    }

    func invoke(_ context: ExecutionContext) throws {
        let sources = self.sources.pointer
        for d in 0..<destinationPointers.count {
            let destination = destinationPointers.pointer[d]
            let list = runLists[d]
            let runs = list.pointer
            for r in 0..<list.count {
                let run = runs[r]
                (destination + run.destinationOffset).copyMemory(from: sources[run.source] + run.sourceOffset, byteCount: run.byteCount)
            }
        }
    }
}

/// Row-major strides of a shape, in elements.
func rowMajorStrides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    var s = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i] = s
        s *= shape[i]
    }
    return strides
}
