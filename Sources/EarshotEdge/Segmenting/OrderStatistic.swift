/// The k-th smallest of a handful of numbers without sorting them all.
enum OrderStatistic {
    /// The `k`-th smallest (0-based) of `values`, found by Hoare's selection (quickselect with
    /// a median-of-three pivot): linear time on average where a sort is n log n. The same value
    /// a full sort puts at index `k`; `values` is left reordered.
    static func smallest(_ k: Int, in values: UnsafeMutableBufferPointer<Double>) -> Double {
        precondition(k >= 0 && k < values.count, "k out of range")
        var low = 0
        var high = values.count - 1
        while low < high {
            let a = values[low]
            let b = values[low + (high - low) / 2]
            let c = values[high]
            let pivot = max(min(a, b), min(max(a, b), c))
            var i = low
            var j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now values[low...j] <= pivot <= values[i...high], and everything between is the pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return values[k]
            }
        }
        return values[k]
    }
}
