/// Structural checks on a parsed model that do not depend on shapes: every operator is
/// supported, every tensor and buffer index is in range, constant data has the size its
/// tensor needs, quantization parameters are consistent, and subgraph references form a
/// tree (no cycles, none to the main graph).
struct ModelValidator {
    let subgraphs: [ModelSubgraph]
    let buffers: [ArraySlice<UInt8>]

    static let supported: Set<BuiltinOperator> = [
        .add, .averagePool2D, .concatenation, .conv2D, .depthwiseConv2D, .dequantize, .fullyConnected, .logistic,
        .maxPool2D, .mul, .reshape, .softmax, .pad, .transpose, .mean, .sub, .squeeze, .stridedSlice, .maximum,
        .minimum, .greaterEqual, .expandDims, .log, .rsqrt, .reduceMax, .leakyRelu, .splitV, .quantize, .if,
        .batchMatMul, .callOnce, .varHandle, .readVariable, .assignVariable,
    ]

    func validate() throws {
        var referenced = Set<Int>()
        for (g, graph) in subgraphs.enumerated() {
            let where_ = "subgraph \(g)"
            for (i, tensor) in graph.tensors.enumerated() {
                try validateTensor(tensor, "\(where_) tensor \(i) (\"\(tensor.name)\")")
            }
            for (k, index) in graph.inputs.enumerated() where index < 0 || index >= graph.tensors.count {
                throw InferenceError.malformed(
                    "\(where_).inputs[\(k)]: tensor index \(index) out of range (\(graph.tensors.count) tensors)")
            }
            for (k, index) in graph.outputs.enumerated() where index < 0 || index >= graph.tensors.count {
                throw InferenceError.malformed(
                    "\(where_).outputs[\(k)]: tensor index \(index) out of range (\(graph.tensors.count) tensors)")
            }
            var produced = Set(graph.inputs)
            for (n, op) in graph.operators.enumerated() {
                let opWhere = "\(where_) operator \(n) (\(op.opcode))"
                guard Self.supported.contains(op.opcode) else {
                    throw InferenceError.unsupported(
                        "\(opWhere): operator \(op.opcode.name) (builtin code \(op.opcode.code)) is not supported by EarshotInference")
                }
                for (k, index) in op.inputs.enumerated() where index < -1 || index >= graph.tensors.count {
                    throw InferenceError.malformed(
                        "\(opWhere).inputs[\(k)]: tensor index \(index) out of range (\(graph.tensors.count) tensors)")
                }
                for (k, index) in op.outputs.enumerated() {
                    guard index >= 0, index < graph.tensors.count else {
                        throw InferenceError.malformed(
                            "\(opWhere).outputs[\(k)]: tensor index \(index) out of range (\(graph.tensors.count) tensors)")
                    }
                    // Each tensor has one writer: a second one would get a shape the first does not fill.
                    guard produced.insert(index).inserted else {
                        throw InferenceError.invalid(
                            "\(opWhere).outputs[\(k)]: tensor \(index) is already written by a graph input or an earlier operator")
                    }
                    guard buffers[graph.tensors[index].buffer].isEmpty else {
                        throw InferenceError.invalid("\(opWhere).outputs[\(k)]: tensor \(index) is a constant")
                    }
                }
                var targets: [Int] = []
                switch op.options {
                case .ifBranches(let a, let b): targets = [a, b]
                case .callOnce(let a): targets = [a]
                default: break
                }
                for target in targets {
                    guard target > 0, target < subgraphs.count, target != g else {
                        throw InferenceError.invalid(
                            "\(opWhere): subgraph index \(target) is out of range or refers to the main or its own subgraph")
                    }
                    guard referenced.insert(target).inserted else {
                        throw InferenceError.unsupported("\(opWhere): subgraph \(target) is called from more than one place")
                    }
                }
            }
        }
        // Each subgraph but the main has at most one caller; walking callers from any
        // subgraph must reach the main graph, otherwise there is a cycle.
        var caller = [Int: Int]()
        for (g, graph) in subgraphs.enumerated() {
            for op in graph.operators {
                switch op.options {
                case .ifBranches(let a, let b): caller[a] = g; caller[b] = g
                case .callOnce(let a): caller[a] = g
                default: break
                }
            }
        }
        for start in caller.keys {
            var node = start
            var steps = 0
            while let parent = caller[node] {
                node = parent
                steps += 1
                if steps > subgraphs.count {
                    throw InferenceError.invalid("subgraph \(start): subgraph calls form a cycle")
                }
            }
        }
    }

    private func validateTensor(_ tensor: ModelTensor, _ where_: String) throws {
        guard tensor.buffer < buffers.count else {
            throw InferenceError.malformed("\(where_).buffer: index \(tensor.buffer) out of range (\(buffers.count) buffers)")
        }
        guard tensor.shape.count <= 8 else {
            throw InferenceError.unsupported("\(where_).shape: rank \(tensor.shape.count) exceeds the supported 8")
        }
        var elements = 1
        for d in tensor.shape {
            let (product, overflow) = elements.multipliedReportingOverflow(by: d)
            guard !overflow, product <= 1 << 31 else {
                throw InferenceError.invalid("\(where_).shape: \(tensor.shape) has too many elements")
            }
            elements = product
        }
        let data = buffers[tensor.buffer]
        if !data.isEmpty {
            guard tensor.type.byteSize > 0, data.count == elements * tensor.type.byteSize else {
                throw InferenceError.invalid(
                    "\(where_): constant buffer \(tensor.buffer) has \(data.count) bytes, but a \(tensor.type) tensor of shape \(tensor.shape) needs \(elements * tensor.type.byteSize)"
                )
            }
        }
        if let q = tensor.quantization {
            guard q.zeroPoints.isEmpty || q.zeroPoints.count == q.scales.count else {
                throw InferenceError.invalid("\(where_).quantization: \(q.scales.count) scales but \(q.zeroPoints.count) zero points")
            }
            let range: ClosedRange<Int64> =
                switch tensor.type {
                case .int8: -128...127
                case .uint8: 0...255
                default: -32768...32768
                }
            guard q.zeroPoints.allSatisfy({ range.contains($0) }) else {
                throw InferenceError.invalid("\(where_).quantization.zero_point: zero points must lie in \(range) for \(tensor.type)")
            }
            guard q.scales.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
                throw InferenceError.invalid("\(where_).quantization.scale: scales must be finite and non-negative")
            }
            if q.scales.count > 1 {
                guard q.quantizedDimension >= 0, q.quantizedDimension < tensor.shape.count,
                    tensor.shape[q.quantizedDimension] == q.scales.count
                else {
                    throw InferenceError.invalid(
                        "\(where_).quantization: \(q.scales.count) per-channel scales do not match dimension \(q.quantizedDimension) of shape \(tensor.shape)"
                    )
                }
            }
        }
    }
}
