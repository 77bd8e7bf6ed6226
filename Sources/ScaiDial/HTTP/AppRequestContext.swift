import Foundation
import Hummingbird

/// The request context of every route: who is calling, once the auth middleware has looked.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` from a bearer token or the session cookie; nil for anonymous requests.
    public var identity: Identity?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    /// 1 MiB is plenty for configuration; uploads (greetings) read their body with their own limit.
    public var maxUploadSize: Int { 1 << 20 }

    /// The signed-in user, or 401.
    func requireIdentity() throws -> Identity {
        guard let identity else { throw Problem.unauthorized() }
        return identity
    }
}

enum JSONCoding {
    /// snake_case keys and RFC 3339 UTC timestamps, as the API contract says.
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .iso8601
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()
}
