import Foundation
import HTTPTypes
import Hummingbird

extension CloudServer {
    /// Batch jobs (admin token), the server-side twin of `earshot-cloud batch`:
    ///
    /// - `POST /v1/batches` with `{"inputs": [paths, folders, manifests or globs on the server],
    ///   "model": "NAME"?}` → 202 `{"id", "status", "total", …}`;
    /// - `GET /v1/batches/{id}` → progress `{"id", "status", "total", "completed", "failed"}`;
    /// - `GET /v1/batches/{id}/results[?key=K]` → the result lines (JSONL), all or one key's.
    func addBatchRoutes(to router: Router<BasicRequestContext>) {
        router.post("/v1/batches") { [self] request, _ in
            try await authenticator.admin(request)
            struct Submission: Decodable {
                var inputs: [String]
                var model: String?
            }
            let body = try await body(of: request, limit: 1 << 20)
            let submission = try JSONDecoder().decode(Submission.self, from: Data(body))
            let record = try await batches.submit(inputs: submission.inputs, modelName: submission.model)
            return try Response.json(encoding: record, status: .accepted)
        }
        router.get("/v1/batches/:id") { [self] request, context in
            try await authenticator.admin(request)
            let id = context.parameters.get("id") ?? ""
            guard let record = try await store.batch(id) else { throw CloudError(.notFound, "no batch job '\(id)'") }
            return try Response.json(encoding: record)
        }
        router.get("/v1/batches/:id/results") { [self] request, context in
            try await authenticator.admin(request)
            let id = context.parameters.get("id") ?? ""
            guard try await store.batch(id) != nil else { throw CloudError(.notFound, "no batch job '\(id)'") }
            let key = request.uri.queryParameters.get("key")
            let rows = try await store.batchResults(batchID: id, key: key)
            if let key, rows.isEmpty { throw CloudError(.notFound, "batch '\(id)' has no result for key '\(key)' (yet)") }
            var body: [UInt8] = []
            for row in rows { body += row.line + [UInt8(ascii: "\n")] }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
