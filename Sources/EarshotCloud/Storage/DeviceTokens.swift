import EarshotWire
import Foundation

/// Device bearer tokens: made from 32 random bytes, shown once, stored only as SHA-256.
///
/// A token reads `esk_<device>_<64 hex digits>`; the device part is only a hint for people —
/// the service looks the device up by the hash, never trusts the text.
public enum DeviceTokens {
    /// A fresh token for `device`.
    ///
    /// - Throws: ``CloudError`` with code `bad_request` when `device` is not a valid device id.
    public static func generate(device: String) throws -> String {
        do {
            try SegmentKey.validate(deviceID: device)
        } catch let error as WireError {
            throw CloudError(.badRequest, error.description)
        }
        var generator = SystemRandomNumberGenerator()
        let secret = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "esk_\(device)_" + secret.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// The hash under which a token is stored.
    public static func hash(_ token: String) -> String { SHA256.hex(Array(token.utf8)) }

    /// Creates a token for `device`, records its hash in `store` and returns the token text.
    public static func create(device: String, store: SQLiteSegmentStore, now: Date = Date()) throws -> String {
        let token = try generate(device: device)
        try store.addTokenBlocking(hash: hash(token), device: device, createdAt: now)
        return token
    }
}
