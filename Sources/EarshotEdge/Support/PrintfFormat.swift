#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// C `printf` formatting, in place of `String(format:)` (full Foundation only): the same C
/// library formats the numbers, so `%.2f` prints what `String(format:)` printed.
enum PrintfFormat {
    /// `format` with `arguments` filled in, as `snprintf` writes it.
    static func string(_ format: String, _ arguments: any CVarArg...) -> String {
        var capacity = 128
        while true {
            var buffer = [CChar](repeating: 0, count: capacity)
            let needed = Int(withVaList(arguments) { vsnprintf(&buffer, capacity, format, $0) })
            if needed < capacity { return String(cString: buffer) }
            capacity = needed + 1
        }
    }
}
