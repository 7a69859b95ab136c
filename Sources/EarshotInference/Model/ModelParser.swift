/// Turns the flatbuffer tables of a `.tflite` file into the model structs, reading every
/// field through the bounds-checked ``FlatBufferTable``. Field indices follow TFLite's
/// `schema.fbs`.
struct ModelParser {
    let reader: FlatBufferReader

    init(bytes: [UInt8]) {
        reader = FlatBufferReader(bytes: bytes)
    }

    struct Parsed {
        var version: UInt32
        var description: String?
        var subgraphs: [ModelSubgraph]
        var buffers: [ArraySlice<UInt8>]
    }

    func parse() throws -> Parsed {
        guard reader.count >= 8 else {
            throw InferenceError.malformed("file is \(reader.count) bytes, too short for a TFLite flatbuffer")
        }
        // Bytes 4..<8 hold the file identifier "TFL3".
        if reader.bytes[4..<8] != [0x54, 0x46, 0x4C, 0x33] {
            throw InferenceError.malformed("file identifier is not \"TFL3\": not a TFLite model")
        }
        let model = try reader.rootTable(named: "Model")
        let version = try model.uint32(0, "version")
        let codes = try model.tables(1, "operator_codes").map(parseOperatorCode)
        let buffers = try model.tables(4, "buffers").map(parseBuffer)
        let subgraphTables = try model.tables(2, "subgraphs")
        guard !subgraphTables.isEmpty else { throw InferenceError.malformed("Model.subgraphs: the model has no subgraph") }
        let subgraphs = try subgraphTables.map { try parseSubgraph($0, codes: codes) }
        return Parsed(
            version: version, description: try model.string(3, "description"), subgraphs: subgraphs, buffers: buffers)
    }

    private enum Code {
        case builtin(BuiltinOperator)
        case custom(String)
    }

    private func parseOperatorCode(_ table: FlatBufferTable) throws -> Code {
        let deprecated = Int32(try table.int8(0, "deprecated_builtin_code"))
        let builtin = try table.int32(3, "builtin_code")
        let code = max(deprecated, builtin)
        if code == BuiltinOperator.custom.code {
            return .custom(try table.string(1, "custom_code") ?? "")
        }
        return .builtin(BuiltinOperator(code: code))
    }

    private func parseBuffer(_ table: FlatBufferTable) throws -> ArraySlice<UInt8> {
        if let data = try table.bytes(0, "data") { return data }
        let offset = try table.uint64(1, "offset")
        let size = try table.uint64(2, "size")
        guard offset > 1 else { return [] }
        guard offset < UInt64(reader.count), size <= UInt64(reader.count) - offset else {
            throw InferenceError.malformed(
                "\(table.path): data at offset \(offset), size \(size) lies outside the \(reader.count)-byte file")
        }
        return reader.bytes[Int(offset)..<Int(offset + size)]
    }

    private func parseSubgraph(_ table: FlatBufferTable, codes: [Code]) throws -> ModelSubgraph {
        let tensors = try table.tables(0, "tensors").map(parseTensor)
        let operators = try table.tables(3, "operators").map { try parseOperator($0, codes: codes) }
        return ModelSubgraph(
            name: try table.string(4, "name") ?? "",
            tensors: tensors,
            inputs: try table.int32s(1, "inputs").map(Int.init),
            outputs: try table.int32s(2, "outputs").map(Int.init),
            operators: operators)
    }

    private func parseTensor(_ table: FlatBufferTable) throws -> ModelTensor {
        let rawType = try table.uint8(1, "type")
        guard let type = TensorType(rawValue: rawType) else {
            throw InferenceError.malformed("\(table.path).type: unknown tensor type \(rawType)")
        }
        let shape = try table.int32s(0, "shape").map(Int.init)
        if let bad = shape.first(where: { $0 < 0 }) {
            throw InferenceError.malformed("\(table.path).shape: negative dimension \(bad)")
        }
        var quantization: QuantizationParameters?
        if let q = try table.table(4, "quantization") {
            let scales = try q.float32s(2, "scale")
            let zeroPoints = try q.int64s(3, "zero_point")
            if !scales.isEmpty {
                quantization = QuantizationParameters(
                    scales: scales, zeroPoints: zeroPoints, quantizedDimension: Int(try q.int32(6, "quantized_dimension")))
            }
        }
        return ModelTensor(
            name: try table.string(3, "name") ?? "",
            type: type,
            shape: shape,
            shapeSignature: try table.int32s(7, "shape_signature").map(Int.init),
            buffer: Int(try table.uint32(2, "buffer")),
            quantization: quantization,
            isVariable: try table.bool(5, "is_variable"))
    }

    private func parseOperator(_ table: FlatBufferTable, codes: [Code]) throws -> ModelOperator {
        let index = Int(try table.uint32(0, "opcode_index"))
        guard index < codes.count else {
            throw InferenceError.malformed(
                "\(table.path).opcode_index: \(index) is out of range (\(codes.count) operator codes)")
        }
        let opcode: BuiltinOperator
        switch codes[index] {
        case .custom(let name):
            throw InferenceError.unsupported("\(table.path): custom operator \"\(name)\" is not supported")
        case .builtin(let op):
            opcode = op
        }
        let options = try table.table(4, "builtin_options")
        return ModelOperator(
            opcode: opcode,
            inputs: try table.int32s(1, "inputs").map(Int.init),
            outputs: try table.int32s(2, "outputs").map(Int.init),
            options: try parseOptions(opcode, options, path: table.path))
    }

    private func activation(_ raw: Int8, _ path: String) throws -> FusedActivation {
        guard let value = FusedActivation(rawValue: raw) else {
            throw InferenceError.malformed("\(path).fused_activation_function: unknown value \(raw)")
        }
        return value
    }

    private func padding(_ raw: UInt8, _ path: String) throws -> Padding {
        guard let value = Padding(rawValue: raw) else {
            throw InferenceError.malformed("\(path).padding: unknown value \(raw)")
        }
        return value
    }

    private func positive(_ value: Int32, _ path: String) throws -> Int {
        guard value >= 1, value <= 1 << 20 else {
            throw InferenceError.malformed("\(path): value \(value) must be a positive count")
        }
        return Int(value)
    }

    private func parseOptions(_ opcode: BuiltinOperator, _ t: FlatBufferTable?, path: String) throws -> OperatorOptions {
        // Absent options tables mean all-default values; decode from an empty table then.
        func int(_ i: Int, _ name: String, _ d: Int32 = 0) throws -> Int32 { try t?.int32(i, name, default: d) ?? d }
        func byte(_ i: Int, _ name: String) throws -> UInt8 { try t?.uint8(i, name) ?? 0 }
        func sbyte(_ i: Int, _ name: String) throws -> Int8 { try t?.int8(i, name) ?? 0 }
        func flag(_ i: Int, _ name: String) throws -> Bool { try t?.bool(i, name) ?? false }
        func float(_ i: Int, _ name: String, _ d: Float) throws -> Float { try t?.float32(i, name, default: d) ?? d }
        let p = t?.path ?? "\(path).builtin_options"
        switch opcode {
        case .conv2D:
            return .conv2D(
                padding: try padding(byte(0, "padding"), p), strideW: try positive(int(1, "stride_w"), "\(p).stride_w"),
                strideH: try positive(int(2, "stride_h"), "\(p).stride_h"),
                activation: try activation(sbyte(3, "fused_activation_function"), p),
                dilationW: try positive(int(4, "dilation_w_factor", 1), "\(p).dilation_w_factor"),
                dilationH: try positive(int(5, "dilation_h_factor", 1), "\(p).dilation_h_factor"))
        case .depthwiseConv2D:
            return .depthwiseConv2D(
                padding: try padding(byte(0, "padding"), p), strideW: try positive(int(1, "stride_w"), "\(p).stride_w"),
                strideH: try positive(int(2, "stride_h"), "\(p).stride_h"),
                depthMultiplier: Int(try int(3, "depth_multiplier")),
                activation: try activation(sbyte(4, "fused_activation_function"), p),
                dilationW: try positive(int(5, "dilation_w_factor", 1), "\(p).dilation_w_factor"),
                dilationH: try positive(int(6, "dilation_h_factor", 1), "\(p).dilation_h_factor"))
        case .averagePool2D, .maxPool2D:
            return .pool2D(
                padding: try padding(byte(0, "padding"), p), strideW: try positive(int(1, "stride_w"), "\(p).stride_w"),
                strideH: try positive(int(2, "stride_h"), "\(p).stride_h"),
                filterW: try positive(int(3, "filter_width"), "\(p).filter_width"),
                filterH: try positive(int(4, "filter_height"), "\(p).filter_height"),
                activation: try activation(sbyte(5, "fused_activation_function"), p))
        case .fullyConnected:
            let format = try byte(1, "weights_format")
            guard format == 0 else {
                throw InferenceError.unsupported(
                    "\(p).weights_format: FULLY_CONNECTED with shuffled weights (format \(format)) is not supported")
            }
            return .fullyConnected(
                activation: try activation(sbyte(0, "fused_activation_function"), p), keepNumDims: try flag(2, "keep_num_dims"))
        case .softmax:
            return .softmax(beta: try float(0, "beta", 0))
        case .concatenation:
            return .concatenation(axis: Int(try int(0, "axis")), activation: try activation(sbyte(1, "fused_activation_function"), p))
        case .add, .sub, .mul:
            return .activation(try activation(sbyte(0, "fused_activation_function"), p))
        case .reshape:
            let shape = try t?.hasField(0) == true ? t!.int32s(0, "new_shape") : nil
            return .reshape(newShape: shape)
        case .squeeze:
            return .squeeze(dims: try t?.int32s(0, "squeeze_dims") ?? [])
        case .stridedSlice:
            return .stridedSlice(
                beginMask: try int(0, "begin_mask"), endMask: try int(1, "end_mask"), ellipsisMask: try int(2, "ellipsis_mask"),
                newAxisMask: try int(3, "new_axis_mask"), shrinkAxisMask: try int(4, "shrink_axis_mask"), offset: try flag(5, "offset"))
        case .mean, .reduceMax:
            return .reducer(keepDims: try flag(0, "keep_dims"))
        case .leakyRelu:
            return .leakyRelu(alpha: try float(0, "alpha", 0))
        case .splitV:
            return .splitV(numSplits: Int(try int(0, "num_splits")))
        case .batchMatMul:
            return .batchMatMul(adjX: try flag(0, "adj_x"), adjY: try flag(1, "adj_y"))
        case .if:
            return .ifBranches(thenSubgraph: Int(try int(0, "then_subgraph_index")), elseSubgraph: Int(try int(1, "else_subgraph_index")))
        case .callOnce:
            return .callOnce(initSubgraph: Int(try int(0, "init_subgraph_index")))
        case .varHandle:
            return .varHandle(container: try t?.string(0, "container") ?? "", sharedName: try t?.string(1, "shared_name") ?? "")
        default:
            return .none
        }
    }
}
