#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The JSON settings of the contract: sorted keys, unescaped slashes, RFC 3339 timestamps
/// encoded by the types themselves (``WireTimestamp``).
public enum WireJSON {
    /// A fresh encoder with the contract's settings.
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// A fresh decoder with the contract's settings.
    public static func decoder() -> JSONDecoder { JSONDecoder() }

    /// Encodes `value` with ``encoder()``.
    public static func encode(_ value: some Encodable) throws -> Data { try encoder().encode(value) }

    /// Decodes a `type` from `data` with ``decoder()``.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }
}
