/// 64-bit FNV-1a over bytes, with helpers for little-endian 16-bit values.
struct FNV1a64 {
    private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    mutating func append(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    mutating func append(_ word: UInt16) {
        append(byte: UInt8(truncatingIfNeeded: word))
        append(byte: UInt8(truncatingIfNeeded: word >> 8))
    }

    static func hash(_ words: UnsafeBufferPointer<UInt16>) -> UInt64 {
        var hasher = FNV1a64()
        for word in words { hasher.append(word) }
        return hasher.value
    }
}

/// SplitMix64, the generator of the synthetic noise fixtures (same constants as the
/// Python generator).
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
