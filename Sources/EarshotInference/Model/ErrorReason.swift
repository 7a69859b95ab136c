#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A short human reason for `error`, in place of `localizedDescription` (full Foundation only; the same as EarshotWire's):
/// the POSIX text (`No such file or directory`) for a file-system error, the decoder's account
/// of a JSON error, else the error as Swift prints it.
func errorReason(_ error: any Error) -> String {
    if let cocoa = error as? CocoaError {
        if let posix = cocoa.userInfo["NSUnderlyingError"] as? POSIXError { return posixText(posix.code.rawValue) }
        return "\(cocoa.code)"
    }
    if let posix = error as? POSIXError { return posixText(posix.code.rawValue) }
    if let decoding = error as? DecodingError {
        let context: DecodingError.Context
        switch decoding {
        case .dataCorrupted(let c), .keyNotFound(_, let c), .typeMismatch(_, let c), .valueNotFound(_, let c): context = c
        @unknown default: return "\(decoding)"
        }
        return context.debugDescription + (context.underlyingError.map { " (\($0))" } ?? "")
    }
    return "\(error)"
}

private func posixText(_ code: Int32) -> String { String(cString: strerror(code)) }
