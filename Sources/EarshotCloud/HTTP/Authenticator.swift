import Foundation
import HTTPTypes
import Hummingbird

/// Who a request comes from, by its bearer token.
public enum Caller: Sendable, Equatable {
    /// A device; it may write and read only its own keys.
    case device(String)
    /// The operator; admin routes and every key.
    case admin
}

/// Reads `Authorization: Bearer <token>` and finds the caller by the token's hash.
struct Authenticator: Sendable {
    let store: any SegmentStore
    let adminTokenHash: String?

    /// The caller, or a 401 ``CloudError`` naming what is missing or wrong.
    func caller(_ request: Request) async throws -> Caller {
        guard let header = request.headers[.authorization] else {
            throw CloudError(.unauthorized, "Authorization: Bearer <token> is required")
        }
        guard header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            throw CloudError(.unauthorized, "Authorization must be 'Bearer <token>'")
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let hash = DeviceTokens.hash(token)
        if let adminTokenHash, hash == adminTokenHash { return .admin }
        if let device = try await store.device(forTokenHash: hash) { return .device(device) }
        throw CloudError(.unauthorized, "the bearer token is not known")
    }

    /// The caller, who must be the admin (401 without a valid token, 403 for a device).
    func admin(_ request: Request) async throws {
        guard adminTokenHash != nil else {
            throw CloudError(.forbidden, "admin routes are closed: the server was started without an admin token")
        }
        if case .device(let device) = try await caller(request) {
            throw CloudError(.forbidden, "device '\(device)' may not use admin routes")
        }
    }
}
