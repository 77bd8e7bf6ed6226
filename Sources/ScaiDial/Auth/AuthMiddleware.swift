import FluentKit
import Foundation
import Hummingbird

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

    private func resolve(_ token: String) async throws -> Resolution {
        let db = persistence.db
        guard let row = try await AuthTokenModel.query(on: db).filter(\.$tokenHash == OpaqueToken.hash(token)).first() else {
            return .refused("is not valid (mistyped, revoked, or its session signed out)")
        }
        if let expired = row.expiresAt, expired <= clock.now {
            return .refused("expired at \(expired.formatted(.iso8601))")
        }
        guard let user = try await UserModel.find(row.userID, on: db) else { return .refused("belongs to a user who was deleted") }
        guard !user.disabled else { return .refused("belongs to a disabled account") }
        // Remember use, but write at most every few minutes so reads stay reads.
        if row.lastUsedAt.map({ clock.now.timeIntervalSince($0) > 300 }) ?? true {
            row.lastUsedAt = clock.now
            try await row.update(on: db)
        }
        return .signedIn(
            Identity(
                userID: try user.requireID(), tenantID: user.tenantID, role: user.role,
                email: user.email, tokenID: try row.requireID()))
    }
}
