/// Plans one contiguous arena for the computed tensors of a subgraph: each tensor lives
/// from the operator that writes it to the last operator that reads it, and tensors whose
/// lifetimes overlap get disjoint byte ranges. Greedy by size (largest first), first fit.
struct ArenaPlanner {
    struct Request {
        var tensor: Int
        var size: Int
        var first: Int
        var last: Int
    }

    static let alignment = 64

    /// Returns the byte offset of each request (by position) and the total size.
    static func plan(_ requests: [Request]) -> (offsets: [Int], size: Int) {
        let order = requests.indices.sorted {
            requests[$0].size != requests[$1].size ? requests[$0].size > requests[$1].size : $0 < $1
        }
        var offsets = [Int](repeating: 0, count: requests.count)
        var placed: [Int] = []
        var total = 0
        for r in order {
            let request = requests[r]
            let size = align(request.size)
            let conflicts = placed.filter { p in
                requests[p].first <= request.last && request.first <= requests[p].last
            }.sorted { offsets[$0] < offsets[$1] }
            var candidate = 0
            for p in conflicts {
                if candidate + size <= offsets[p] { break }
                candidate = max(candidate, offsets[p] + align(requests[p].size))
            }
            offsets[r] = candidate
            total = max(total, candidate + size)
            placed.append(r)
        }
        return (offsets, total)
    }

    static func align(_ n: Int) -> Int { (n + alignment - 1) / alignment * alignment }
}
