#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// The C math library's functions under names no kernel type can shadow (a kernel's `exp` or
// `log` case would hide the free functions). They are the very libm calls TFLite's reference
// kernels make (`expf`, `logf`, `frexp`), so results stay bit-identical on the same platform.

@inline(__always) func libmExp(_ x: Float) -> Float { expf(x) }
@inline(__always) func libmLog(_ x: Float) -> Float { logf(x) }
@inline(__always) func libmFrexp(_ x: Double) -> (Double, Int) {
    var exponent: Int32 = 0
    let fraction = frexp(x, &exponent)
    return (fraction, Int(exponent))
}
