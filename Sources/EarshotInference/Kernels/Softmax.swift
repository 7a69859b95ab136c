import Foundation

/// SOFTMAX over the last dimension in float32: `exp((x - max) * beta) / sum`.
enum SoftmaxOperator: OperatorDefinition {
    static func inferShapes(_ node: Node) throws {
        try node.requireCounts(inputs: 1...1, outputs: 1...1)
        let input = try node.input(0)
        try node.require(!input.shape.isEmpty, "input must have at least one dimension")
        try node.setOutputShape(0, input.shape)
    }

    static func makeKernel(_ node: Node) throws -> any Kernel {
        let input = try node.input(0)
        guard input.type == .float32, try node.output(0).type == .float32 else {
            throw InferenceError.unsupported("\(node.path): SOFTMAX on \(input.type) is not supported")
        }
        guard case .softmax(let beta) = node.op.options else { throw node.fail("missing SoftmaxOptions") }
        let depth = input.shape.last!
        return SoftmaxFloatKernel(
            input: try node.inputData(0), output: try node.outputData(0), rows: depth == 0 ? 0 : input.elementCount / depth, depth: depth,
            beta: beta)
    }
}

final class SoftmaxFloatKernel: Kernel {
    let input: UnsafePointer<Float>
    let output: UnsafeMutablePointer<Float>
    let rows, depth: Int
    let beta: Float

    init(input: UnsafeMutableRawPointer, output: UnsafeMutableRawPointer, rows: Int, depth: Int, beta: Float) {
        self.input = UnsafePointer(input.assumingMemoryBound(to: Float.self))
        self.output = output.assumingMemoryBound(to: Float.self)
        self.rows = rows
        self.depth = depth
        self.beta = beta
    }

    func invoke(_ context: ExecutionContext) throws {
        for r in 0..<rows {
            let x = input + r &* depth
            let y = output + r &* depth
            var maximum = -Float.greatestFiniteMagnitude
            for i in 0..<depth where x[i] > maximum { maximum = x[i] }
            var sum: Float = 0
            for i in 0..<depth {
                y[i] = Foundation.exp((x[i] - maximum) * beta)
                sum += y[i]
            }
            for i in 0..<depth { y[i] /= sum }
        }
    }
}
