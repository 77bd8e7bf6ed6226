import Foundation
import HTTPTypes
import Hummingbird

/// Cross-site request forgery, refused. The session cookie is `SameSite=Lax`, which keeps it off
/// cross-site POSTs in today's browsers; this is the second lock, for the browsers and the
/// same-site-but-cross-origin cases Lax does not cover.
///
/// A request that changes something (any method but GET, HEAD, OPTIONS) and is signed in with the
/// session cookie must come from ScaiDial's own pages:
/// - `Sec-Fetch-Site`, when the browser sends it, is `same-origin` (or `none`: typed by the user);
/// - else `Origin`, when sent, is `SCAIDIAL_PUBLIC_URL`'s origin or the origin the request was
///   addressed to (its `Host`: an attacker's page cannot choose the Host of a request to us);
/// - a body is not of a type an HTML form or a no-preflight `fetch` can send (`text/plain`,
///   `application/x-www-form-urlencoded`, `multipart/form-data`, or none): ScaiDial reads JSON
///   and audio, and a cross-site page cannot send those without a CORS preflight, which ScaiDial
///   never allows.
/// Requests with `Authorization: Bearer` are not affected (a browser never adds that header on
/// its own). Sign-in is checked for its origin too (login CSRF signs a victim into an attacker's
/// account), though it carries no cookie.
enum SameOrigin {
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")
    static let origin = HTTPField.Name("Origin")

    static func changes(_ method: HTTPRequest.Method) -> Bool {
        ![.get, .head, .options].contains(method)
    }

    /// Throws 403 `cross_site_request` when the request comes from another site's page.
    static func checkOrigin(_ request: Request, publicURL: String) throws {
        if let name = secFetchSite, let site = request.headers[name]?.lowercased() {
            guard site == "same-origin" || site == "none" else { throw refused("Sec-Fetch-Site is \(site)") }
            return
        }
        guard let name = origin, let origin = request.headers[name] else { return }
        // Behind a TLS-terminating proxy the request reaches us as http: its Host decides, not its scheme.
        let url = URL(string: origin)
        let host = url?.host.map { h in url?.port.map { "\(h):\($0)" } ?? h }?.lowercased()
        let sameHost = host != nil && host == request.head.authority?.lowercased()
        guard origin.lowercased() == originOf(publicURL)?.lowercased() || sameHost else {
            throw refused("Origin is \(origin.prefix(100))")
        }
    }

    /// Throws 415 `json_required` when a cookie request's body has a type a form could send.
    static func checkBodyType(_ request: Request) throws {
        let type = request.headers[.contentType]?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let length = request.headers[.contentLength].flatMap { Int($0) }
        let hasBody = (length ?? 0) > 0 || request.headers[.transferEncoding] != nil
        let formTypes = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
        if let type, formTypes.contains(type) {
            throw Problem(.unsupportedMediaType, "a signed-in browser request must send its body as Content-Type: application/json")
                .coded("json_required")
        }
        if type == nil, hasBody {
            throw Problem(.unsupportedMediaType, "a request with a body must say its Content-Type (application/json)").coded(
                "json_required")
        }
    }

    private static func originOf(_ url: String) -> String? {
        guard let u = URL(string: url), let scheme = u.scheme, let host = u.host else { return nil }
        return u.port.map { "\(scheme)://\(host):\($0)" } ?? "\(scheme)://\(host)"
    }

    private static func refused(_ why: String) -> Problem {
        Problem(.forbidden, "a request from another site's page is refused (\(why)); use ScaiDial's own pages or an API token")
            .coded("cross_site_request")
    }
}
