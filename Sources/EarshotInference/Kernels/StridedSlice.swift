/// STRIDED_SLICE with constant begin, end and strides, begin/end/shrink-axis masks and the
/// `offset` flag, following `strided_slice_logic.h` (StartForAxis / StopForAxis).
enum StridedSliceOperator: OperatorDefinition {
    struct Axis {
        var start: Int
        var stride: Int
        var count: Int
        var shrink: Bool
    }

    static func axes(_ node: Node) throws -> [Axis] {
        try node.requireCounts(inputs: 4...4, outputs: 1...1)
        guard
            case .stridedSlice(let beginMask, let endMask, let ellipsisMask, let newAxisMask, let shrinkMask, let offset) = node.op.options
        else { throw node.fail("missing StridedSliceOptions") }
        try node.require(ellipsisMask == 0 && newAxisMask == 0, "ellipsis_mask and new_axis_mask are not supported")
        let input = try node.input(0)
        let begin = try node.constantInts(1)
        var end = try node.constantInts(2)
        let strides = try node.constantInts(3)
        let rank = input.shape.count
        try node.require(
            begin.count == end.count && end.count == strides.count && begin.count <= rank,
            "begin \(begin), end \(end) and strides \(strides) do not fit rank \(rank)")
        if offset { for i in end.indices { end[i] += begin[i] } }
        var result: [Axis] = []
        for axis in 0..<rank {
            let size = input.shape[axis]
            guard axis < begin.count else {
                result.append(Axis(start: 0, stride: 1, count: size, shrink: false))
                continue
            }
            let stride = strides[axis]
            try node.require(stride != 0, "stride of axis \(axis) is zero")
            if size == 0 {
                result.append(Axis(start: 0, stride: stride, count: 0, shrink: shrinkMask & (1 << axis) != 0))
                continue
            }
            var start = begin[axis]
            if beginMask & (1 << axis) != 0 { start = stride > 0 ? Int(Int32.min) : Int(Int32.max) }
            if start < 0 { start += size }
            start = stride > 0 ? min(max(start, 0), size) : min(max(start, -1), size - 1)
            let shrink = shrinkMask & (1 << axis) != 0
            var stop: Int
            if shrink {
                stop = start + 1
            } else {
                stop = end[axis]
                if endMask & (1 << axis) != 0 { stop = stride > 0 ? Int(Int32.max) : Int(Int32.min) }
                if stop < 0 { stop += size }
                stop = stride > 0 ? min(max(stop, 0), size) : min(max(stop, -1), size - 1)
            }
            var count = stride > 0 ? (stop - start + stride - 1) / stride : (start - stop + (-stride) - 1) / (-stride)
            count = max(count, 0)
            if shrink { try node.require(count == 1 && start >= 0 && start < size, "shrink axis \(axis) selects no element") }
            result.append(Axis(start: start, stride: stride, count: count, shrink: shrink))
        }
        return result
    }

    static func inferShapes(_ node: Node) throws {
        try node.setOutputShape(0, try axes(node).filter { !$0.shrink }.map(\.count))
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        let output = try node.output(0)
        try node.require(input.type == output.type, "input is \(input.type), output \(output.type)")
        if input.type == .int8 {
            try node.require(
                input.scale == output.scale && input.zeroPoint == output.zeroPoint, "int8 input and output quantization differ")
        }
        let axes = try axes(node)
        let element = input.type.byteSize
        let strides = rowMajorStrides(input.shape)
        var plan = CopyPlan()
        var destination = 0
        let total = axes.reduce(1) { $0 * $1.count }
        if total > 0 {
            var index = [Int](repeating: 0, count: axes.count)
            outer: while true {
                var source = 0
                for a in axes.indices { source += (axes[a].start + index[a] * axes[a].stride) * strides[a] }
                plan.add(source: 0, sourceOffset: source * element, destinationOffset: destination, byteCount: element)
                destination += element
                var a = axes.count - 1
                while a >= 0 {
                    index[a] += 1
                    if index[a] < axes[a].count { continue outer }
                    index[a] = 0
                    a -= 1
                }
                break
            }
        }
        return CopyKernel(sources: [UnsafeRawPointer(try node.inputData(0))], destinations: [(try node.outputData(0), plan)])
    }
}
