/// Turns interleaved sample bytes into mono floats, and floats into 16-bit samples.
enum SampleDecoder {
    /// Decodes `bytes` (whole frames) and appends one averaged sample per frame to `output`.
    static func appendMono(
        _ bytes: UnsafeRawBufferPointer,
        encoding: WAVFormat.Encoding,
        channelCount: Int,
        to output: inout [Float]
    ) {
        let sampleCount = bytes.count / encoding.bytesPerSample
        let frameCount = sampleCount / channelCount
        let scale = 1 / Float(channelCount)
        for frame in 0..<frameCount {
            var sum: Float = 0
            let first = frame &* channelCount
            for channel in 0..<channelCount {
                sum += sample(bytes, index: first &+ channel, encoding: encoding)
            }
            output.append(channelCount == 1 ? sum : sum * scale)
        }
    }

    @inline(__always)
    private static func sample(_ bytes: UnsafeRawBufferPointer, index: Int, encoding: WAVFormat.Encoding) -> Float {
        switch encoding {
        case .pcmUnsigned8:
            return Float(Int(bytes[index]) - 128) * (1 / 128)
        case .pcm16:
            let value = Int16(littleEndian: bytes.loadUnaligned(fromByteOffset: index &* 2, as: Int16.self))
            return Float(value) * (1 / 32_768)
        case .pcm24:
            let offset = index &* 3
            let raw = Int32(bytes[offset]) | Int32(bytes[offset + 1]) << 8 | Int32(bytes[offset + 2]) << 16
            return Float((raw << 8) >> 8) * (1 / 8_388_608)
        case .pcm32:
            let value = Int32(littleEndian: bytes.loadUnaligned(fromByteOffset: index &* 4, as: Int32.self))
            return Float(Double(value) * (1 / 2_147_483_648))
        case .float32:
            let bits = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index &* 4, as: UInt32.self))
            return Float(bitPattern: bits)
        case .float64:
            let bits = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: index &* 8, as: UInt64.self))
            return Float(Double(bitPattern: bits))
        }
    }

    /// Rounds a float in [-1, 1] to a 16-bit sample, clamping out-of-range values.
    @inline(__always)
    static func int16(_ value: Float) -> Int16 {
        let scaled = (value * 32_768).rounded()
        if scaled >= 32_767 { return .max }
        if scaled <= -32_768 { return .min }
        if scaled.isNaN { return 0 }
        return Int16(scaled)
    }
}
