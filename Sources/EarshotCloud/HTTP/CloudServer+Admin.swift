import EarshotWire
import Foundation
import HTTPTypes
import Hummingbird

extension CloudServer {
    /// Admin routes (admin token): model versions and device tokens.
    ///
    /// - `GET /v1/models`: every version and its state.
    /// - `POST /v1/models/{name}/versions/{version}/load`: load a version and run its checks
    ///   (422 `model_refused` with the reasons when they fail; the active version keeps serving).
    /// - `POST /v1/models/{name}/versions/{version}/activate`: make a loaded version active.
    /// - `POST /v1/models/{name}/rollback`: go back to the previously active version.
    /// - The same three for contexts under `/v1/contexts/…`, and `GET /v1/contexts`.
    /// - `POST /v1/tokens` with `{"device": "NAME"}`: create a device token (shown once).
    func addAdminRoutes(to router: Router<BasicRequestContext>) {
        router.get("/v1/models") { [self] request, _ in
            try await authenticator.admin(request)
            return try Response.json(encoding: ["models": registry.list()])
        }
        router.post("/v1/models/:name/versions/:version/load") { [self] request, context in
            try await authenticator.admin(request)
            let (name, version) = try Self.modelParameters(context)
            let registry = self.registry
            let model = try await pool.submit { _ in try registry.load(name: name, version: version) }.value
            context.logger.info("admin loaded a model version", metadata: ["model": "\(name)@\(version)"])
            return try Response.json(encoding: ModelActionAnswer(model: registry, name: name, checks: model.checks))
        }
        router.post("/v1/models/:name/versions/:version/activate") { [self] request, context in
            try await authenticator.admin(request)
            let (name, version) = try Self.modelParameters(context)
            try registry.activate(name: name, version: version)
            return try Response.json(encoding: ModelActionAnswer(model: registry, name: name, checks: nil))
        }
        router.post("/v1/models/:name/rollback") { [self] request, context in
            try await authenticator.admin(request)
            let name = context.parameters.get("name") ?? ""
            try registry.rollback(name: name)
            return try Response.json(encoding: ModelActionAnswer(model: registry, name: name, checks: nil))
        }
        router.get("/v1/contexts") { [self] request, _ in
            try await authenticator.admin(request)
            return try Response.json(encoding: ["contexts": contexts?.list() ?? []])
        }
        router.post("/v1/contexts/:name/versions/:version/load") { [self] request, context in
            try await authenticator.admin(request)
            let (name, version) = try Self.modelParameters(context)
            let contexts = try self.requireContexts()
            _ = try await pool.submit { _ in try contexts.load(name: name, version: version) }.value
            context.logger.info("admin loaded a context version", metadata: ["context": "\(name)@\(version)"])
            return try Response.json(encoding: ContextActionAnswer(contexts, name: name))
        }
        router.post("/v1/contexts/:name/versions/:version/activate") { [self] request, context in
            try await authenticator.admin(request)
            let (name, version) = try Self.modelParameters(context)
            let contexts = try requireContexts()
            try contexts.activate(name: name, version: version)
            return try Response.json(encoding: ContextActionAnswer(contexts, name: name))
        }
        router.post("/v1/contexts/:name/rollback") { [self] request, context in
            try await authenticator.admin(request)
            let name = context.parameters.get("name") ?? ""
            let contexts = try requireContexts()
            try contexts.rollback(name: name)
            return try Response.json(encoding: ContextActionAnswer(contexts, name: name))
        }
        router.post("/v1/tokens") { [self] request, context in
            try await authenticator.admin(request)
            struct TokenRequest: Decodable { var device: String }
            let body = try await body(of: request, limit: 4096)
            let device = try JSONDecoder().decode(TokenRequest.self, from: Data(body)).device
            let token = try DeviceTokens.generate(device: device)
            try await store.addToken(hash: DeviceTokens.hash(token), device: device, createdAt: Date())
            context.logger.info("device token created", metadata: ["device": "\(device)"])
            return try Response.json(encoding: ["device": device, "token": token], status: .created)
        }
    }

    func requireContexts() throws -> ContextRegistry {
        guard let contexts else { throw CloudError(.notFound, "this service does not understand commands (no recognizer)") }
        return contexts
    }

    static func modelParameters(_ context: BasicRequestContext) throws -> (String, String) {
        guard let name = context.parameters.get("name"), let version = context.parameters.get("version") else {
            throw CloudError(.badRequest, "the path needs a model name and version")
        }
        return (name, version)
    }
}

/// The answer of an admin model action: the model's active version and every version's state.
struct ModelActionAnswer: Encodable {
    var name: String
    var active: String?
    var versions: [ModelRegistry.VersionStatus]
    var checks: CardCheckReport?

    init(model registry: ModelRegistry, name: String, checks: CardCheckReport?) {
        self.name = name
        active = registry.active(name)?.card.version
        versions = registry.list().filter { $0.name == name }
        self.checks = checks
    }
}

/// The answer of an admin context action: the context's active version and every version's state.
struct ContextActionAnswer: Encodable {
    var name: String
    var active: String?
    var versions: [ModelRegistry.VersionStatus]

    init(_ contexts: ContextRegistry, name: String) {
        self.name = name
        active = contexts.active(name)?.card.version
        versions = contexts.list().filter { $0.name == name }
    }
}
