import FluentKit
import Foundation
import Hummingbird
import SQLKit

/// Resolves `Authorization: Bearer …` or the session cookie into `context.identity`.
/// It never rejects: route groups decide what they need (`ScopedRoutes`: signed in, tenant admin, member, platform admin).
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    static let cookieName = "scaidial_session"
    let persistence: Persistence
    var clock: any AppClock = SystemClock()
    /// `SCAIDIAL_PUBLIC_URL`: the origin of ScaiDial's own pages (`SameOrigin`).
    var publicURL = ""

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        // The hook door and the webhook door check their own shared secrets; their Authorization
        // header is not a user's token (and the call path saves a lookup).
        let path = request.uri.path
        if !Self.selfAuthenticated(path), let (token, fromCookie) = Self.credential(in: request) {
            if fromCookie, SameOrigin.changes(request.method) {
                try SameOrigin.checkOrigin(request, publicURL: publicURL)
                try SameOrigin.checkBodyType(request)
            }
            switch try await resolve(token) {
            case .signedIn(let identity): context.identity = identity
            case .refused(let why):
                context.credentialProblem =
                    fromCookie ? "the session is no longer valid (\(why)): sign in again" : "the bearer token \(why)"
            }
        } else if path == "/v1/auth/login", request.method == .post {
            try SameOrigin.checkOrigin(request, publicURL: publicURL)
        }
        return try await next(request, context)
    }

    static func selfAuthenticated(_ path: String) -> Bool {
        path == "/sip/inbound" || path == "/livekit/webhook"
    }

    /// The bearer token, else the session cookie (and which it was).
    static func credential(in request: Request) -> (token: String, fromCookie: Bool)? {
        if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
            return (String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces), false)
        }
        return request.cookies[cookieName].map { ($0.value, true) }
    }

    enum Resolution {
        case signedIn(Identity)
        /// Why not, in words that fit after "the bearer token".
        case refused(String)
    }

    /// One plain query for the token and its user: every signed-in request runs it, and through
    /// the ORM it was two model loads (FluentKit builds each model by reflection — the click-to-call
    /// profile in the README).
    private func resolve(_ token: String) async throws -> Resolution {
        let sql = try persistence.db.sql()
        let found = try await sql.raw(
            """
            SELECT t.id, t.user_id, t.expires_at, t.last_used_at, u.id AS found_user, u.tenant_id, u.role, u.email, u.display_name, u.disabled
            FROM auth_tokens t LEFT JOIN users u ON u.id = t.user_id WHERE t.token_hash = \(bind: OpaqueToken.hash(token))
            """
        ).first()
        guard let row = found else { return .refused("is not valid (mistyped, revoked, or its session signed out)") }
        if let expired = try row.optional("expires_at", as: Date.self), expired <= clock.now {
            return .refused("expired at \(expired.formatted(.iso8601))")
        }
        guard !(try row.decodeNil(column: "found_user")) else { return .refused("belongs to a user who was deleted") }
        guard !(try row.decode(column: "disabled", as: Bool.self)) else { return .refused("belongs to a disabled account") }
        let tokenID = try row.decode(column: "id", as: UUID.self)
        // Remember use, but write at most every few minutes so reads stay reads.
        let lastUsed = try row.optional("last_used_at", as: Date.self)
        if lastUsed.map({ clock.now.timeIntervalSince($0) > 300 }) ?? true {
            try await sql.update(AuthTokenModel.schema).set("last_used_at", to: clock.now).where("id", .equal, tokenID).run()
        }
        let role = try row.value("role", as: Role.self)
        return .signedIn(
            Identity(
                userID: try row.decode(column: "user_id", as: UUID.self),
                tenantID: try row.optional("tenant_id"),
                role: role, email: try row.decode(column: "email", as: String.self),
                displayName: try row.decode(column: "display_name", as: String.self), tokenID: tokenID))
    }
}
