import Dialplan
import Foundation
import Hummingbird

/// An RFC 9457 problem: the only shape errors leave the server in.
public struct Problem: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var title: String
    public var detail: String?
    public var errors: [FieldError]
    public var headers: HTTPFields
    /// A stable machine word for refusals a client tells apart (`destination_blocked`,
    /// `no_synced_trunk`, …): an RFC 9457 extension member, absent when `status` says it all.
    public var code: String?

    public init(_ status: HTTPResponse.Status, _ detail: String? = nil, errors: [FieldError] = [], headers: HTTPFields = [:]) {
        self.status = status
        self.title = status.reasonPhrase
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    static func notFound(_ what: String = "resource") -> Problem { Problem(.notFound, "\(what) not found") }
    static func unauthorized(_ detail: String = "sign in or send a bearer token") -> Problem {
        Problem(.unauthorized, detail, headers: [.wwwAuthenticate: "Bearer"])
    }
    static func forbidden(_ detail: String) -> Problem { Problem(.forbidden, detail) }
    static func conflict(_ detail: String) -> Problem { Problem(.conflict, detail) }
    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, detail) }
    static func invalid(_ errors: [FieldError]) -> Problem {
        Problem(.unprocessableContent, "the request has invalid fields", errors: errors)
    }
    static func invalid(_ field: String, _ message: String) -> Problem { invalid([FieldError(field: field, message: message)]) }
    /// The same problem with a machine word for clients.
    func coded(_ code: String) -> Problem {
        var p = self
        p.code = code
        return p
    }

    private struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String?
        let code: String?
        let errors: [FieldError]?
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: "about:blank", title: title, status: status.code, detail: detail, code: code,
            errors: errors.isEmpty ? nil : errors)
        var headers = self.headers
        headers[.contentType] = "application/problem+json"
        let data = try JSONCoding.encoder.encode(body)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns every error into problem details at one edge: typed problems pass through, the router's
/// own errors (unknown route, wrong method) keep their status, a database that cannot be reached
/// is 503 (`DatabaseOutage`), anything else is a logged 500.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        } catch let error as HTTPError where error.status == .notFound {
            // The router found no route: a known path asked with another method is 405 saying which.
            let path = request.uri.path
            let allowed = OpenAPIDocument.methods(for: path)
            guard !allowed.isEmpty, !allowed.contains(request.method.rawValue) else {
                return try Problem(.notFound, "no route for \(request.method) \(path)").response(from: request, context: context)
            }
            let allow = (allowed + (allowed.contains("GET") ? ["HEAD"] : [])).joined(separator: ", ")
            return try Problem(.methodNotAllowed, "\(path) takes \(allow), not \(request.method)", headers: [.allow: allow])
                .response(from: request, context: context)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return try Problem(
                .contentTooLarge, "the body is larger than \(context.maxUploadSize) bytes, the most this request may carry"
            ).response(from: request, context: context)
        } catch let error as HTTPError {
            let detail = error.body
            return try Problem(error.status, detail, headers: error.headers).response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            return try Problem(error.status).response(from: request, context: context)
        } catch  where DatabaseOutage.isOutage(error) {
            context.logger.warning("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
            return try Problem(
                .serviceUnavailable, "the database cannot be reached just now (it may be restarting); try again in a moment",
                headers: [.retryAfter: "1"]
            ).coded("database_unavailable").response(from: request, context: context)
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return try Problem(.internalServerError, "an internal error occurred; it has been logged")
                .response(from: request, context: context)
        }
    }
}
