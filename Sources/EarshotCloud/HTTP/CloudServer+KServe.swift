import Dispatch
import EarshotWire
import Foundation
import HTTPTypes
import Hummingbird

/// The Open Inference Protocol (KServe v2 REST) over every loaded model, so that standard
/// clients (`tritonclient[http]`, KServe's) call each model as a plain stateless function.
///
/// - `GET /v2`: server metadata; `GET /v2/health/live`, `GET /v2/health/ready`.
/// - `GET /v2/models/{name}[/versions/{v}]`: model metadata (inputs, outputs, versions).
/// - `GET /v2/models/{name}[/versions/{v}]/ready`: 200 when that version serves.
/// - `POST /v2/models/{name}[/versions/{v}]/infer` (bearer token): input `audio` (INT16 samples at
///   16 kHz, or FP32 in -1…1; shape `[N]` or `[1, N]`), outputs `score` (FP32 `[1]`) and
///   `verified` (BOOL `[1]`). JSON tensors, and the binary tensor extension
///   (`Inference-Header-Content-Length`) both ways.
///
/// Errors answer `{"error": "<message>"}` as the protocol says.
extension CloudServer {
    func addKServeRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v2") { _, _ in
            try Response.json(encoding: KServeServerMetadata(name: "earshot-cloud", version: "1", extensions: ["binary_tensor_data"]))
        }
        router.get("/v2/health/live") { _, _ in Response.json(Array("{}".utf8)) }
        router.get("/v2/health/ready") { [self] _, _ in
            _ = try await readiness()
            return Response.json(Array("{}".utf8))
        }
        router.get("/v2/models/:name") { [self] _, context in
            try Response.json(encoding: metadata(try kserveModel(context)))
        }
        router.get("/v2/models/:name/versions/:version") { [self] _, context in
            try Response.json(encoding: metadata(try kserveModel(context)))
        }
        router.get("/v2/models/:name/ready") { [self] _, context in
            _ = try kserveModel(context)
            return Response.json(Array("{}".utf8))
        }
        router.get("/v2/models/:name/versions/:version/ready") { [self] _, context in
            _ = try kserveModel(context)
            return Response.json(Array("{}".utf8))
        }
        router.post("/v2/models/:name/infer") { [self] request, context in
            try await infer(request, context: context)
        }
        router.post("/v2/models/:name/versions/:version/infer") { [self] request, context in
            try await infer(request, context: context)
        }
    }

    /// The named version, or the active one; 404 when it is not loaded.
    private func kserveModel(_ context: BasicRequestContext) throws -> LoadedModel {
        let name = context.parameters.get("name") ?? ""
        if let version = context.parameters.get("version") {
            guard let model = registry.loaded(name, version: version) else {
                throw CloudError(.notFound, "model '\(name)' version '\(version)' is not loaded")
            }
            return model
        }
        guard let model = registry.active(name) else { throw CloudError(.notFound, "model '\(name)' is not loaded") }
        return model
    }

    private func metadata(_ model: LoadedModel) -> KServeModelMetadata {
        let versions = registry.list().filter { $0.name == model.card.name && ($0.state == "active" || $0.state == "loaded") }.map(
            \.version)
        return KServeModelMetadata(
            name: model.card.name, versions: versions, platform: "earshot_" + model.card.kind.replacingOccurrences(of: "-", with: "_"),
            inputs: model.card.inputs.map { .init(name: $0.name, datatype: $0.datatype, shape: $0.shape) },
            outputs: model.card.outputs.map { .init(name: $0.name, datatype: $0.datatype, shape: $0.shape) })
    }

    private func infer(_ request: Request, context: BasicRequestContext) async throws -> Response {
        _ = try await authenticator.caller(request)
        let model = try kserveModel(context)
        let body = try await body(of: request)
        let headerLength = request.headers[HTTPField.Name("Inference-Header-Content-Length")!].flatMap { Int($0) }
        let parsed = try KServeInferRequest(body: body, headerLength: headerLength)
        let samples = try parsed.audioSamples(audio: configuration.audio)
        let started = DispatchTime.now().uptimeNanoseconds
        let (output, _) = try await pool.submit { worker in try worker.verifier(for: model).verify(samples) }
        metrics.inference(
            model: model.card.name, version: model.card.version, seconds: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        return try parsed.response(model: model, output: output)
    }
}

struct KServeServerMetadata: Encodable {
    var name: String
    var version: String
    var extensions: [String]
}

struct KServeModelMetadata: Encodable {
    struct Tensor: Encodable {
        var name: String
        var datatype: String
        var shape: [Int]
    }
    var name: String
    var versions: [String]
    var platform: String
    var inputs: [Tensor]
    var outputs: [Tensor]
}

/// One parsed `…/infer` request.
struct KServeInferRequest {
    var id: String?
    var audioDatatype: String
    var audioShape: [Int]
    var audioJSON: [Any]?
    var audioBinary: [UInt8]?
    var requestedOutputs: [(name: String, binary: Bool)]?
    var binaryOutputByDefault: Bool

    init(body: [UInt8], headerLength: Int?) throws {
        let jsonBytes: ArraySlice<UInt8>
        var binary: ArraySlice<UInt8> = []
        if let headerLength {
            guard headerLength >= 0, headerLength <= body.count else {
                throw CloudError(.badRequest, "Inference-Header-Content-Length \(headerLength) exceeds the body (\(body.count) bytes)")
            }
            jsonBytes = body[..<headerLength]
            binary = body[headerLength...]
        } else {
            jsonBytes = body[...]
        }
        guard let object = try? JSONSerialization.jsonObject(with: Data(jsonBytes)) as? [String: Any] else {
            throw CloudError(.badRequest, "the inference request is not a JSON object")
        }
        id = object["id"] as? String
        guard let inputs = object["inputs"] as? [[String: Any]], !inputs.isEmpty else {
            throw CloudError(.badRequest, "the inference request needs 'inputs'")
        }
        var audio: [String: Any]?
        var offset = binary.startIndex
        var audioBinary: [UInt8]?
        for input in inputs {
            let size = (input["parameters"] as? [String: Any])?["binary_data_size"] as? Int
            if let size {
                guard size >= 0, offset + size <= binary.endIndex else {
                    throw CloudError(.badRequest, "input '\(input["name"] ?? "")' declares \(size) binary bytes beyond the body")
                }
                if input["name"] as? String == "audio" { audioBinary = Array(binary[offset..<(offset + size)]) }
                offset += size
            }
            if input["name"] as? String == "audio" { audio = input }
        }
        guard let audio else { throw CloudError(.badRequest, "the model takes one input named 'audio'") }
        guard let datatype = audio["datatype"] as? String, let shape = audio["shape"] as? [Int] else {
            throw CloudError(.badRequest, "input 'audio' needs 'datatype' and 'shape'")
        }
        audioDatatype = datatype
        audioShape = shape
        audioJSON = audio["data"] as? [Any]
        self.audioBinary = audioBinary
        if audioJSON == nil && audioBinary == nil { throw CloudError(.badRequest, "input 'audio' has neither 'data' nor binary data") }
        if let outputs = object["outputs"] as? [[String: Any]] {
            requestedOutputs = try outputs.map { output in
                guard let name = output["name"] as? String else { throw CloudError(.badRequest, "a requested output lacks 'name'") }
                guard name == "score" || name == "verified" else {
                    throw CloudError(.badRequest, "unknown output '\(name)' (the model has 'score' and 'verified')")
                }
                return (name, (output["parameters"] as? [String: Any])?["binary_data"] as? Bool ?? false)
            }
        }
        binaryOutputByDefault = (object["parameters"] as? [String: Any])?["binary_data_output"] as? Bool ?? false
    }

    /// The samples, checked like an upload's audio.
    func audioSamples(audio: AudioValidator) throws -> [Int16] {
        let count = audioShape.reduce(1, *)
        guard audioShape.count == 1 || (audioShape.count == 2 && audioShape[0] == 1), count > 0 else {
            throw CloudError(.badRequest, "input 'audio' must have shape [N] or [1, N], got \(audioShape)")
        }
        var samples: [Int16] = []
        samples.reserveCapacity(count)
        switch (audioDatatype, audioBinary) {
        case ("INT16", let bytes?):
            guard bytes.count == count * 2 else {
                throw CloudError(.badRequest, "input 'audio' has \(bytes.count) bytes for \(count) INT16 values")
            }
            for index in 0..<count { samples.append(Int16(bitPattern: UInt16(bytes[2 * index]) | UInt16(bytes[2 * index + 1]) << 8)) }
        case ("FP32", let bytes?):
            guard bytes.count == count * 4 else {
                throw CloudError(.badRequest, "input 'audio' has \(bytes.count) bytes for \(count) FP32 values")
            }
            for index in 0..<count {
                let bits = (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[4 * index + $1]) << (8 * UInt32($1)) }
                samples.append(Self.fromFloat(Float(bitPattern: bits)))
            }
        case ("INT16", nil), ("INT32", nil), ("INT64", nil), ("FP32", nil):
            let values = Self.flatten(audioJSON ?? [])
            guard values.count == count else {
                throw CloudError(.badRequest, "input 'audio' has \(values.count) values but its shape \(audioShape) holds \(count)")
            }
            for value in values {
                guard let number = value as? NSNumber else {
                    throw CloudError(.badRequest, "input 'audio' holds a value that is not a number")
                }
                if audioDatatype == "FP32" {
                    samples.append(Self.fromFloat(number.floatValue))
                } else {
                    guard let sample = Int16(exactly: number.doubleValue) else {
                        throw CloudError(.badRequest, "input 'audio' value \(number) is outside the 16-bit range")
                    }
                    samples.append(sample)
                }
            }
        default:
            throw CloudError(.badRequest, "input 'audio' must be INT16 (or FP32 in -1...1), got \(audioDatatype)")
        }
        // The same checks as an upload (length bounds, silence), via a canonical WAV body.
        return try audio.samples(from: Array(SegmentWAV.encode(samples: samples)), contentType: "audio/wav")
    }

    func response(model: LoadedModel, output: VerifierOutput) throws -> Response {
        let wanted = requestedOutputs ?? [("score", binaryOutputByDefault), ("verified", binaryOutputByDefault)]
        var outputs: [[String: Any]] = []
        var binary: [UInt8] = []
        for (name, asBinary) in wanted {
            let datatype = name == "score" ? "FP32" : "BOOL"
            var entry: [String: Any] = ["name": name, "datatype": datatype, "shape": [1]]
            if asBinary {
                let bytes: [UInt8] =
                    name == "score"
                    ? withUnsafeBytes(of: Float(output.score).bitPattern.littleEndian) { Array($0) } : [output.verified ? 1 : 0]
                binary += bytes
                entry["parameters"] = ["binary_data_size": bytes.count]
            } else {
                entry["data"] = name == "score" ? [Float(output.score)] as [Any] : [output.verified] as [Any]
            }
            outputs.append(entry)
        }
        var object: [String: Any] = ["model_name": model.card.name, "model_version": model.card.version, "outputs": outputs]
        if let id { object["id"] = id }
        let json = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
        if binary.isEmpty { return Response.json(json) }
        return Response(
            status: .ok,
            headers: [.contentType: "application/octet-stream", HTTPField.Name("Inference-Header-Content-Length")!: String(json.count)],
            body: .init(byteBuffer: ByteBuffer(bytes: json + binary)))
    }

    private static func flatten(_ values: [Any]) -> [Any] {
        values.flatMap { value -> [Any] in
            if let nested = value as? [Any] { return flatten(nested) }
            return [value]
        }
    }

    private static func fromFloat(_ value: Float) -> Int16 {
        Int16(max(-32768, min(32767, (value * 32767).rounded())))
    }
}
