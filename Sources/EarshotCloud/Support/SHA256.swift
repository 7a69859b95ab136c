import CCrypto

/// SHA-256, for body fingerprints and token hashes, through OpenSSL's libcrypto (Debian's
/// libssl-dev), which uses the CPU's SHA extensions where there are some: hashing a 64 KB
/// upload takes tens of microseconds, which the idempotent-replay path needs.
public enum SHA256 {
    /// The 32-byte digest of `bytes`.
    public static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        let done: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
            digest.withUnsafeMutableBufferPointer { earshot_sha256(buffer.baseAddress, buffer.count, $0.baseAddress) == 1 }
        }
        if done == nil {
            let copy = Array(bytes)
            _ = copy.withUnsafeBufferPointer { buffer in
                digest.withUnsafeMutableBufferPointer { earshot_sha256(buffer.baseAddress, buffer.count, $0.baseAddress) }
            }
        }
        return digest
    }

    /// The digest of `bytes` as 64 lower-case hex digits.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in digest(bytes) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
