import Dispatch
import EarshotWire
import Foundation
import HTTPTypes
import Hummingbird
import Logging

extension CloudServer {
    /// `PUT /v1/segments/{key}` and `GET /v1/segments/{key}`.
    func addSegmentRoutes(to router: Router<BasicRequestContext>) {
        router.put("/v1/segments/:key") { [self] request, context in
            try await putSegment(request, context: context)
        }
        router.get("/v1/segments/:key") { [self] request, context in
            let caller = try await authenticator.caller(request)
            let key = try Self.segmentKey(context)
            try Self.authorize(caller, key)
            guard let stored = try await store.segment(key) else {
                throw CloudError(.notFound, "no prediction is stored for key '\(key)'")
            }
            return Response.json(stored.predictionJSON)
        }
    }

    private func putSegment(_ request: Request, context: BasicRequestContext) async throws -> Response {
        var logger = context.logger
        let caller = try await authenticator.caller(request)
        let key = try Self.segmentKey(context)
        logger[metadataKey: "key"] = "\(key)"
        try Self.authorize(caller, key)
        let body = try await body(of: request)
        let started = DispatchTime.now().uptimeNanoseconds
        let metadata: SegmentMetadata
        do {
            metadata = try SegmentUpload.metadata(pathKey: key.description) { name in
                HTTPField.Name(name).flatMap { request.headers[$0] }
            }
        } catch let error as WireError {
            throw CloudError(.badRequest, error.description)
        }
        let hash = SHA256.hex(body)
        if let stored = try await store.segment(key) {
            return try replay(stored, hash: hash, logger: logger)
        }
        let samples = try configuration.audio.samples(from: body, contentType: request.headers[.contentType])
        let requestedContext = HTTPField.Name("X-Earshot-Context").flatMap { request.headers[$0] }
        let prediction = try await pipeline.predict(
            key: key, samples: samples, wakeWord: metadata.wakeWord, context: requestedContext, started: started)
        let json = Array(try WireJSON.encode(prediction))
        let record = try await store.insertIfAbsent(
            StoredSegment(key: key, bodySHA256: hash, predictionJSON: json, storedAt: Date()))
        if record.predictionJSON != json {  // another upload of the key won the race
            return try replay(record, hash: hash, logger: logger)
        }
        logger.info(
            "segment verified",
            metadata: [
                "verified": "\(prediction.verified)", "score": "\(prediction.score)", "model": "\(prediction.models[0])",
                "inference_ms": "\(prediction.timings.inferenceMilliseconds)",
                "intent": "\(prediction.intent ?? "-")", "understood": "\(prediction.understood.map { "\($0)" } ?? "-")",
            ])
        return Response.json(json, headers: [HTTPField.Name("X-Earshot-Replay")!: "false"])
    }

    private func replay(_ stored: StoredSegment, hash: String, logger: Logger) throws -> Response {
        guard stored.bodySHA256 == hash else {
            metrics.conflict()
            logger.warning("conflicting upload refused")
            throw CloudError(
                .conflict,
                "key '\(stored.key)' is already stored with a different body (SHA-256 \(stored.bodySHA256.prefix(12))…, this one \(hash.prefix(12))…)"
            )
        }
        metrics.idempotentReplay()
        logger.debug("idempotent replay answered from the store")
        return Response.json(stored.predictionJSON, headers: [HTTPField.Name("X-Earshot-Replay")!: "true"])
    }

    static func segmentKey(_ context: BasicRequestContext) throws -> SegmentKey {
        let text = context.parameters.get("key") ?? ""
        do {
            return try SegmentKey(parsing: text)
        } catch let error as WireError {
            throw CloudError(.invalidKey, error.description)
        }
    }

    static func authorize(_ caller: Caller, _ key: SegmentKey) throws {
        if case .device(let device) = caller, device != key.deviceID {
            throw CloudError(.forbidden, "device '\(device)' may not use key '\(key)' of device '\(key.deviceID)'")
        }
    }
}
