/// NumPy-style broadcasting of two shapes, with per-output-element source indices
/// precomputed when neither operand is a plain flat match or a scalar.
struct Broadcast {
    enum Mode {
        /// Same shape: element i of both.
        case flat
        /// The left operand has one element.
        case scalarLeft
        /// The right operand has one element.
        case scalarRight
        /// General: `left[leftIndex[i]]`, `right[rightIndex[i]]`.
        case indexed
    }

    var outputShape: [Int]
    var mode: Mode
    var leftIndex: [Int32] = []
    var rightIndex: [Int32] = []

    init(_ a: [Int], _ b: [Int], _ node: Node) throws {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        var shape: [Int] = []
        for d in 0..<rank {
            guard pa[d] == pb[d] || pa[d] == 1 || pb[d] == 1 else {
                throw node.fail("shapes \(a) and \(b) do not broadcast")
            }
            shape.append(pa[d] == 1 ? pb[d] : pa[d])
        }
        outputShape = shape
        let countA = a.reduce(1, *)
        let countB = b.reduce(1, *)
        let count = shape.reduce(1, *)
        if pa == pb {
            mode = .flat
        } else if countA == 1 {
            mode = .scalarLeft
        } else if countB == 1 {
            mode = .scalarRight
        } else if countA == count && countB == count {
            mode = .flat
        } else {
            mode = .indexed
        }
        paddedLeft = pa
        paddedRight = pb
    }

    private var paddedLeft: [Int] = []
    private var paddedRight: [Int] = []

    /// Fills ``leftIndex`` and ``rightIndex`` for the indexed mode (called when the kernel is
    /// built, after memory planning has bounded the tensor sizes).
    mutating func computeIndices() {
        guard mode == .indexed, leftIndex.isEmpty else { return }
        let (pa, pb, shape) = (paddedLeft, paddedRight, outputShape)
        let rank = shape.count
        let count = shape.reduce(1, *)
        let sa = rowMajorStrides(pa).enumerated().map { pa[$0.offset] == 1 ? 0 : $0.element }
        let sb = rowMajorStrides(pb).enumerated().map { pb[$0.offset] == 1 ? 0 : $0.element }
        leftIndex.reserveCapacity(count)
        rightIndex.reserveCapacity(count)
        var index = [Int](repeating: 0, count: rank)
        for _ in 0..<count {
            var ia = 0
            var ib = 0
            for d in 0..<rank {
                ia += index[d] * sa[d]
                ib += index[d] * sb[d]
            }
            leftIndex.append(Int32(ia))
            rightIndex.append(Int32(ib))
            var d = rank - 1
            while d >= 0 {
                index[d] += 1
                if index[d] < shape[d] { break }
                index[d] = 0
                d -= 1
            }
        }
    }
}
