import Foundation
import HTTPTypes
import Hummingbird

/// The request context of every route: who is calling, once the auth middleware has looked.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by `AuthMiddleware` from a bearer token or the session cookie; nil for anonymous requests.
    public var identity: Identity?
    /// The peer's IP address ("" when unknown, as in router tests). Behind a reverse proxy it is
    /// the proxy's; `clientAddress` reads `X-Forwarded-For` when the operator trusts it.
    public let peerAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress ?? ""
    }

    /// Who is asking, for per-client limits: the peer, or — with `SCAIDIAL_TRUST_FORWARDED_FOR=1`,
    /// when ScaiDial runs behind a proxy that appends to the header — the last `X-Forwarded-For`
    /// entry (the one the proxy wrote; earlier entries are the client's own claims).
    func clientAddress(_ request: Request, trustForwardedFor: Bool) -> String {
        guard trustForwardedFor, let name = HTTPField.Name("X-Forwarded-For"), let header = request.headers[values: name].last else {
            return peerAddress
        }
        let last = header.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
        return last.isEmpty ? peerAddress : String(last.prefix(64))
    }

    public var responseEncoder: JSONEncoder { JSONCoding.encoder }

    /// 1 MiB is plenty for configuration; uploads (greetings) read their body with their own limit.
    public var maxUploadSize: Int { 1 << 20 }

    /// Why the credentials sent did not sign anyone in (unknown, expired, a disabled account); nil
    /// when none were sent. Set by `AuthMiddleware` for the 401's detail.
    public var credentialProblem: String?
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
