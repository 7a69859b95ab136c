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
        addVersionRoutes(to: router, collection: "models", registry: registry)
        addVersionRoutes(to: router, collection: "contexts", registry: contexts)
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

    /// `GET /v1/{collection}` and the load, activate and rollback routes of one registry of
    /// versioned folders. Without a registry (a service that does not understand commands has no
    /// contexts) the listing is empty and the actions answer 404.
    private func addVersionRoutes(
        to router: Router<BasicRequestContext>, collection: String, registry: (any VersionedRegistry)?
    ) {
        @Sendable func require() throws -> any VersionedRegistry {
            guard let registry else { throw CloudError(.notFound, "this service does not understand commands (no recognizer)") }
            return registry
        }
        router.get("/v1/\(collection)") { [self] request, _ in
            try await authenticator.admin(request)
            return try Response.json(encoding: [collection: registry?.list() ?? []])
        }
        router.post("/v1/\(collection)/:name/versions/:version/load") { [self] request, context in
            try await authenticator.admin(request)
            let (name, version) = try Self.modelParameters(context)
            let registry = try require()
            let checks = try await pool.submit { _ in try registry.loadChecked(name: name, version: version) }.value
            context.logger.info("admin loaded a version", metadata: ["\(collection)": "\(name)@\(version)"])
            return try Response.json(encoding: VersionActionAnswer(registry, name: name, checks: checks))
        }
        router.post("/v1/\(collection)/:name/versions/:version/activate") { [self] request, context in
            try await authenticator.admin(request)
            let (name, version) = try Self.modelParameters(context)
            let registry = try require()
            try registry.activate(name: name, version: version)
            return try Response.json(encoding: VersionActionAnswer(registry, name: name, checks: nil))
        }
        router.post("/v1/\(collection)/:name/rollback") { [self] request, context in
            try await authenticator.admin(request)
            let name = context.parameters.get("name") ?? ""
            let registry = try require()
            try registry.rollback(name: name)
            return try Response.json(encoding: VersionActionAnswer(registry, name: name, checks: nil))
        }
    }

    static func modelParameters(_ context: BasicRequestContext) throws -> (String, String) {
        guard let name = context.parameters.get("name"), let version = context.parameters.get("version") else {
            throw CloudError(.badRequest, "the path needs a model name and version")
        }
        return (name, version)
    }
}

/// The answer of an admin action on a model or a context: its active version, every version's
/// state and, after a model load, the card's checks.
struct VersionActionAnswer: Encodable {
    var name: String
    var active: String?
    var versions: [ModelRegistry.VersionStatus]
    var checks: CardCheckReport?

    init(_ registry: any VersionedRegistry, name: String, checks: CardCheckReport?) {
        self.name = name
        active = registry.activeVersion(name)
        versions = registry.list().filter { $0.name == name }
        self.checks = checks
    }
}

/// What the admin routes need of a registry of versioned folders (``ModelRegistry``,
/// ``ContextRegistry``).
protocol VersionedRegistry: Sendable {
    func list() -> [ModelRegistry.VersionStatus]
    func activeVersion(_ name: String) -> String?
    /// Loads a version and runs its checks; returns the card check report where the kind has one.
    func loadChecked(name: String, version: String) throws -> CardCheckReport?
    func activate(name: String, version: String) throws
    @discardableResult func rollback(name: String) throws -> String
}

extension ModelRegistry: VersionedRegistry {
    func activeVersion(_ name: String) -> String? { active(name)?.card.version }
    func loadChecked(name: String, version: String) throws -> CardCheckReport? { try load(name: name, version: version).checks }
}

extension ContextRegistry: VersionedRegistry {
    func activeVersion(_ name: String) -> String? { active(name)?.card.version }
    func loadChecked(name: String, version: String) throws -> CardCheckReport? {
        try load(name: name, version: version)
        return nil
    }
}
