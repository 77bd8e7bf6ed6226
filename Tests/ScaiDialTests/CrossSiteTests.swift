import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import ScaiDial

/// Issue 14, item 3: a page on another site cannot make a signed-in browser change anything.
@Suite("CSRF: cookie requests that change something come from ScaiDial's own pages, as JSON")
struct CrossSiteTests {
    static let origin = HTTPField.Name("Origin")!
    static let site = HTTPField.Name("Sec-Fetch-Site")!

    /// The session cookie of the platform admin.
    static func cookie(_ api: API) async throws -> String {
        let reply = try await api.post("/v1/auth/login", token: nil, ["email": "root@platform.test", "password": "root-password"])
        return String(try #require(reply.headers[.setCookie]).split(separator: ";")[0])
    }

    static let tenant = #"{"name":"Forged","country":"NL"}"#

    static func post(_ api: API, _ headers: HTTPFields, body: String = tenant) async throws -> Reply {
        try await api.call(.post, "/v1/tenants", raw: body, headers: headers)
    }

    @Test("another site's page: refused 403 by Sec-Fetch-Site or by Origin, and nothing is written")
    func crossSite() async throws {
        try await withApp(configure: { $0.publicURL = "https://pbx.example.com" }) { api, _ in
            let cookie = try await Self.cookie(api)
            let json = "application/json"
            let bySite = try await Self.post(api, [.cookie: cookie, .contentType: json, Self.site: "cross-site"])
            #expect(bySite.status == .forbidden && bySite.json["code"] as? String == "cross_site_request", "\(bySite.text)")
            let sameSite = try await Self.post(api, [.cookie: cookie, .contentType: json, Self.site: "same-site"])
            #expect(sameSite.status == .forbidden)
            let byOrigin = try await Self.post(api, [.cookie: cookie, .contentType: json, Self.origin: "https://evil.example"])
            #expect(byOrigin.status == .forbidden && byOrigin.json["code"] as? String == "cross_site_request")
            let lookalike = try await Self.post(
                api, [.cookie: cookie, .contentType: json, Self.origin: "https://pbx.example.com.evil.example"])
            #expect(lookalike.status == .forbidden)
            // A DELETE (no body) is a change too.
            let delete = try await api.call(
                .delete, "/v1/tenants/\(UUID())", headers: [.cookie: cookie, Self.origin: "https://evil.example"])
            #expect(delete.status == .forbidden)
            let root = try await api.login("root@platform.test", "root-password")
            #expect(try await api.get("/v1/tenants", token: root).items.isEmpty)
        }
    }

    @Test("ScaiDial's own pages pass: same-origin, the public URL's origin, the request's own host, or no browser headers")
    func sameOrigin() async throws {
        try await withApp(configure: { $0.publicURL = "https://pbx.example.com" }) { api, _ in
            let cookie = try await Self.cookie(api)
            let json = "application/json"
            let cases: [HTTPFields] = [
                [.cookie: cookie, .contentType: json, Self.site: "same-origin", Self.origin: "https://pbx.example.com"],
                [.cookie: cookie, .contentType: json, Self.origin: "https://pbx.example.com"],
                [.cookie: cookie, .contentType: "application/json; charset=utf-8"],
            ]
            for (n, headers) in cases.enumerated() {
                let reply = try await Self.post(api, headers, body: #"{"name":"Own \#(n)","country":"NL"}"#)
                #expect(reply.status == .created, "case \(n): \(reply.text)")
            }
            // GETs are never refused: a link from another site still opens the console.
            let read = try await api.call(.get, "/v1/tenants", headers: [.cookie: cookie, Self.site: "cross-site"])
            #expect(read.status == .ok && read.items.count == 3)
        }
    }

    @Test("a form's body type with the cookie is 415 even same-origin; an API token may send any")
    func formBodies() async throws {
        try await withApp { api, _ in
            let cookie = try await Self.cookie(api)
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
                let reply = try await Self.post(api, [.cookie: cookie, .contentType: type])
                #expect(reply.status == .unsupportedMediaType && reply.json["code"] as? String == "json_required", "\(type): \(reply.text)")
            }
            let untyped = try await Self.post(api, [.cookie: cookie, .contentLength: String(Self.tenant.utf8.count)])
            #expect(untyped.status == .unsupportedMediaType)
            // A bearer token is not something a browser adds on its own: not affected.
            let root = try await api.login("root@platform.test", "root-password")
            let bearer = try await Self.post(
                api, [.authorization: "Bearer \(root)", .contentType: "text/plain", Self.origin: "https://evil.example"])
            #expect(bearer.status == .created, "\(bearer.text)")
            #expect(try await api.get("/v1/tenants", token: root).items.count == 1)
        }
    }

    @Test("signing in from another site's page is refused (login CSRF); from ours it works")
    func loginFromAnotherSite() async throws {
        try await withApp(configure: { $0.publicURL = "https://pbx.example.com" }) { api, _ in
            let body = #"{"email":"root@platform.test","password":"root-password"}"#
            let forged = try await api.call(
                .post, "/v1/auth/login", raw: body, headers: [.contentType: "application/json", Self.origin: "https://evil.example"])
            #expect(forged.status == .forbidden && forged.headers[.setCookie] == nil)
            let own = try await api.call(
                .post, "/v1/auth/login", raw: body,
                headers: [.contentType: "application/json", Self.origin: "https://pbx.example.com", Self.site: "same-origin"])
            #expect(own.status == .ok)
        }
    }
}
