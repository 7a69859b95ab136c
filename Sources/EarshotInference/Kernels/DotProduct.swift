/// Inner products over contiguous memory, written as plain loops the compiler vectorizes.
enum DotProduct {
    /// `sum(a[i] * b[i])` of int8 vectors in wrapping int32 arithmetic.
    @inline(__always)
    static func int8(_ a: UnsafePointer<Int8>, _ b: UnsafePointer<Int8>, _ count: Int) -> Int32 {
        var acc: Int32 = 0
        for i in 0..<count {
            acc = acc &+ Int32(a[i]) &* Int32(b[i])
        }
        return acc
    }

    /// `sum(a[i] * b[i])` of int16 vectors in wrapping int32 arithmetic (SSE2's `pmaddwd`
    /// and NEON's `smlal` shape).
    @inline(__always)
    static func int16(_ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int16>, _ count: Int) -> Int32 {
        var acc: Int32 = 0
        for i in 0..<count {
            acc = acc &+ Int32(a[i]) &* Int32(b[i])
        }
        return acc
    }

    /// Four int16 dot products of `a` with the rows `b`, `b + stride`, `b + 2 stride`,
    /// `b + 3 stride`, loading `a` once for all four (fewest instructions of the variants
    /// measured with callgrind: one row at a time, adjacent pairs, out of line).
    @inline(__always)
    static func int16x4(
        _ a: UnsafePointer<Int16>, _ b: UnsafePointer<Int16>, stride: Int, _ count: Int
    ) -> (Int32, Int32, Int32, Int32) {
        var s0: Int32 = 0, s1: Int32 = 0, s2: Int32 = 0, s3: Int32 = 0
        let b1 = b + stride, b2 = b + 2 &* stride, b3 = b + 3 &* stride
        for i in 0..<count {
            let x = Int32(a[i])
            s0 = s0 &+ x &* Int32(b[i])
            s1 = s1 &+ x &* Int32(b1[i])
            s2 = s2 &+ x &* Int32(b2[i])
            s3 = s3 &+ x &* Int32(b3[i])
        }
        return (s0, s1, s2, s3)
    }

    /// Sign-extends `count` int8 values into `destination`.
    @inline(__always)
    static func widen(_ source: UnsafePointer<Int8>, into destination: UnsafeMutablePointer<Int16>, _ count: Int) {
        for i in 0..<count { destination[i] = Int16(source[i]) }
    }

    /// `sum(a[i])` of an int8 vector.
    @inline(__always)
    static func sum(_ a: UnsafePointer<Int8>, _ count: Int) -> Int32 {
        var acc: Int32 = 0
        for i in 0..<count { acc = acc &+ Int32(a[i]) }
        return acc
    }

    /// `sum(a[i] * b[i])` of float vectors, accumulated left to right as TFLite's reference does.
    @inline(__always)
    static func float(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var acc: Float = 0
        for i in 0..<count { acc += a[i] * b[i] }
        return acc
    }
}
