import HTTPTypes
import Hummingbird
import NIOCore

/// A file of the browser pages compiled into the binary, served by name.
struct WebAsset: Sendable {
    let bytes: [UInt8]
    let contentType: String

    static let javaScript = "text/javascript; charset=utf-8"
    static let css = "text/css; charset=utf-8"

    /// The named asset of `assets`, or a 404 problem.
    static func response(_ name: String?, in assets: [String: WebAsset]) throws -> Response {
        guard let name, let asset = assets[name] else { throw Problem.notFound("asset") }
        return Response(
            status: .ok,
            headers: [.contentType: asset.contentType, .cacheControl: "no-cache", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(bytes: asset.bytes)))
    }

    /// A page: HTML under the page's security headers, never cached (it names the scripts).
    static func page(_ html: ByteBuffer, securityHeaders: HTTPFields) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: html))
    }
}

extension HTTPFields {
    /// A page's security headers: its Content-Security-Policy, no MIME sniffing, and the referrer
    /// only to this server.
    static func pageSecurity(csp: String) -> HTTPFields {
        var headers: HTTPFields = [.contentSecurityPolicy: csp, .xContentTypeOptions: "nosniff"]
        // HTTPTypes has no constant for it; the literal is a valid name, and an invalid one would only be left out.
        if let referrer = HTTPField.Name("Referrer-Policy") { headers[referrer] = "same-origin" }
        return headers
    }
}
