#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

// The tables built at init (window, filterbank weights, PCAN gains, FFT twiddles) round
// results of the C math library, exactly as the TFLM frontend does in C. Calling the very
// same libm functions (single precision where TFLM uses `cosf`, `log1pf`, `powf`; double
// where kissfft uses `cos`, `sin`) keeps those tables identical to the reference's on the
// same platform.

@inline(__always) func libmCosf(_ x: Float) -> Float { cosf(x) }
@inline(__always) func libmLog1pf(_ x: Float) -> Float { log1pf(x) }
@inline(__always) func libmPowf(_ x: Float, _ y: Float) -> Float { powf(x, y) }
@inline(__always) func libmFloorf(_ x: Float) -> Float { floorf(x) }
@inline(__always) func libmCos(_ x: Double) -> Double { cos(x) }
@inline(__always) func libmSin(_ x: Double) -> Double { sin(x) }
@inline(__always) func libmFloor(_ x: Double) -> Double { floor(x) }
@inline(__always) func libmSqrt(_ x: Double) -> Double { sqrt(x) }
