import Dispatch
import EarshotWire
import Foundation
import HTTPTypes
import Hummingbird

/// Turns every error into a JSON answer and counts every answer in the metrics.
///
/// ``CloudError`` keeps its status and message (with `Retry-After` on 503); Hummingbird's own
/// errors (an unknown route, a body over the limit) get the matching code; anything else is a
/// 500 whose detail goes to the log, not to the client. Under `/v2/` the body is KServe's
/// `{"error": "<message>"}`; elsewhere it is ``EarshotWire/ErrorResponse``.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: CloudMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        metrics.requestStarted()
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let cloudError = Self.cloudError(error)
            if cloudError.code == .internalError {
                context.logger.error("request failed", metadata: ["error": "\(error)", "path": "\(request.uri.path)"])
            } else {
                context.logger.debug("request refused", metadata: ["error": "\(cloudError)", "path": "\(request.uri.path)"])
            }
            response = Self.response(for: cloudError, kserve: request.uri.path.hasPrefix("/v2"))
        }
        let route = context.endpointPath ?? "unmatched"
        metrics.request(
            route: route, method: request.method.rawValue, status: response.status.code,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        response.headers[HTTPField.Name("X-Request-Id")!] = context.id
        return response
    }

    static func cloudError(_ error: any Error) -> CloudError {
        if let error = error as? CloudError { return error }
        if let error = error as? HTTPError {
            switch error.status.code {
            case 404: return CloudError(.notFound, "no route for this method and path")
            case 405: return CloudError(.notFound, "method not allowed here")
            case 413: return CloudError(.payloadTooLarge, "the body is larger than the server accepts")
            case 401: return CloudError(.unauthorized, error.body ?? "unauthorized")
            case 403: return CloudError(.forbidden, error.body ?? "forbidden")
            case 400..<500: return CloudError(.badRequest, error.body ?? "bad request (\(error.status.code))")
            default: return CloudError(.internalError, "internal error")
            }
        }
        if let error = error as? WireError { return CloudError(.badRequest, error.description) }
        if error is DecodingError { return CloudError(.badRequest, "the JSON body cannot be read: \(error)") }
        return CloudError(.internalError, "internal error")
    }

    static func response(for error: CloudError, kserve: Bool) -> Response {
        let body: [UInt8]
        if kserve {
            body = (try? Array(WireJSON.encode(["error": error.description]))) ?? []
        } else {
            body = (try? Array(WireJSON.encode(error.response))) ?? []
        }
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retryAfter = error.retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(
            status: HTTPResponse.Status(code: error.code.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Response {
    /// A JSON answer with `status`.
    static func json(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `value` encoded with the contract's JSON settings.
    static func json(encoding value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        json(Array(try WireJSON.encode(value)), status: status)
    }
}
