import HTTPTypes
import Hummingbird

extension CloudServer {
    /// `/health/live`, `/health/ready` and `/metrics`.
    func addHealthRoutes(to router: Router<BasicRequestContext>) {
        router.get("/health/live") { _, _ in
            Response.json(Array(#"{"status":"live"}"#.utf8))
        }
        router.get("/health/ready") { [self] _, _ in
            try await readiness()
        }
        router.get("/metrics") { [self] _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
        }
    }

    /// 200 when every model and context found has an active version that passed its checks
    /// and the store answers; 503 naming what is missing otherwise.
    func readiness() async throws -> Response {
        if let contexts, !contexts.isReady {
            let waiting = contexts.list().filter { $0.state != "active" && $0.state != "loaded" }
                .map { "\($0.name)@\($0.version): \($0.state)\($0.reason.map { " (\($0))" } ?? "")" }
            throw CloudError(.unavailable, "contexts not ready: \(waiting.joined(separator: "; "))", retryAfter: 5)
        }
        guard registry.isReady else {
            let waiting = registry.list().filter { $0.state != "active" && $0.state != "loaded" }
                .map { "\($0.name)@\($0.version): \($0.state)\($0.reason.map { " (\($0))" } ?? "")" }
            throw CloudError(.unavailable, "models not ready: \(waiting.joined(separator: "; "))", retryAfter: 5)
        }
        do {
            _ = try await store.segmentCount()
        } catch {
            throw CloudError(.unavailable, "the store does not answer: \(error)", retryAfter: 5)
        }
        return Response.json(Array(#"{"status":"ready"}"#.utf8))
    }
}
