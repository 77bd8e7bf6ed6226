import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

/// `/admin` and its assets, as served by the binary (the console itself is driven in headless
/// Chromium by Tests/browser/test_admin.py).
@Suite("The admin console page")
struct AdminConsolePageTests {
    @Test("every console address answers the same page, which loads only this server's scripts under a strict CSP")
    func page() async throws {
        try await withApp { api, _ in
            var pages: [String] = []
            for path in ["/admin", "/admin/trunks", "/admin/trunks/0196f0b2-0000-7000-8000-000000000000", "/admin/tenants"] {
                let reply = try await api.get(path, token: nil)
                #expect(reply.status == .ok, "\(path)")
                #expect(reply.headers[.contentType] == "text/html; charset=utf-8")
                #expect(reply.headers[.cacheControl] == "no-store")
                let csp = try #require(reply.headers[.init("Content-Security-Policy")!])
                #expect(csp.contains("script-src 'self';") && csp.contains("connect-src 'self';") && csp.contains("frame-ancestors 'none'"))
                pages.append(reply.text)
            }
            #expect(Set(pages).count == 1)
            for script in AdminConsoleController.assets.keys where script.hasSuffix(".js") {
                #expect(pages[0].contains(#"<script src="/admin/assets/\#(script)" defer></script>"#), "\(script)")
            }
            #expect(!pages[0].contains("http://") && !pages[0].contains("https://"))
        }
    }

    @Test("assets are served with their types (not the page), unknown ones are 404 problems")
    func assets() async throws {
        try await withApp { api, _ in
            let css = try await api.get("/admin/assets/admin.css", token: nil)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8" && css.text.contains(".panel"))
            let js = try await api.get("/admin/assets/admin-dialplans.js", token: nil)
            #expect(js.status == .ok && js.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(js.text.contains("/reorder") && js.text.contains("/rules/"))
            #expect(try await api.get("/admin/assets/nope.js", token: nil).status == .notFound)
            #expect(try await api.get("/admin/assets/../../etc/passwd", token: nil).status == .notFound)
        }
    }
}
