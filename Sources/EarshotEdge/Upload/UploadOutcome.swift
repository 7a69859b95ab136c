import EarshotWire
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What became of one upload attempt, and so what the delivery loop does with the entry.
public enum UploadOutcome: Sendable, Equatable {
    /// The cloud answered 2xx: delete the entry. The prediction is nil when the body was not one.
    case delivered(status: Int, prediction: SegmentPrediction?)
    /// Try again later: a network failure, a timeout, 408, 429, 5xx or an unexpected status.
    /// `retryAfter` is the server's `Retry-After` in seconds (429 and 503 only).
    case retry(status: Int?, reason: String, retryAfter: Double?)
    /// The cloud refused the segment for good (a 4xx other than 408 and 429): keep it as a dead
    /// letter with the reason.
    case refused(status: Int, reason: String)

    /// Classifies an HTTP answer.
    ///
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - headers: the answer's headers, names in lower case.
    ///   - body: the answer's body.
    ///   - now: the current time, to turn a `Retry-After` date into seconds.
    public static func classify(status: Int, headers: [String: String], body: Data, now: Date) -> UploadOutcome {
        switch status {
        case 200...299:
            return .delivered(status: status, prediction: try? WireJSON.decode(SegmentPrediction.self, from: body))
        case 429, 503:
            let retryAfter = headers["retry-after"].flatMap { RetryAfter.seconds(from: $0, now: now) }
            return .retry(status: status, reason: "HTTP \(status): \(reason(from: body))", retryAfter: retryAfter)
        case 408:
            return .retry(status: status, reason: "HTTP 408: \(reason(from: body))", retryAfter: nil)
        case 400...499:
            return .refused(status: status, reason: reason(from: body))
        default:
            return .retry(status: status, reason: "HTTP \(status): \(reason(from: body))", retryAfter: nil)
        }
    }

    /// The server's reason: `code: message` of an ``EarshotWire/ErrorResponse`` body, else the
    /// body's text (at most 500 characters), else `empty body`.
    static func reason(from body: Data) -> String {
        if let error = try? WireJSON.decode(ErrorResponse.self, from: body) { return error.description }
        let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingSpacesAndNewlines()
        return text.isEmpty ? "empty body" : text
    }
}
