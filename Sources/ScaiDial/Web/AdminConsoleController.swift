import Foundation
import Hummingbird

/// `/admin`: the admin console — a tenant admin's whole phone system and the platform admin's
/// tenants, as plain HTML, CSS and JavaScript compiled into the binary (no npm, no build step).
///
/// Every console address (`/admin`, `/admin/trunks`, `/admin/trunks/{id}`, …) answers the same
/// page; its script reads the address and draws the view. The page holds no data and needs no
/// sign-in: everything it shows comes from the `/v1` API with the session cookie that
/// `POST /v1/auth/login` sets (the same sign-in as `/my/dial`), so the API's own checks —
/// roles, and another tenant's rows being 404 — are the console's too.
struct AdminConsoleController {
    static let assets: [String: WebAsset] = {
        let js = WebAsset.javaScript
        return [
            "admin.css": WebAsset(bytes: PackageResources.admin_css, contentType: WebAsset.css),
            "admin-api.js": WebAsset(bytes: PackageResources.admin_api_js, contentType: js),
            "admin-ui.js": WebAsset(bytes: PackageResources.admin_ui_js, contentType: js),
            "admin-app.js": WebAsset(bytes: PackageResources.admin_app_js, contentType: js),
            "admin-tenants.js": WebAsset(bytes: PackageResources.admin_tenants_js, contentType: js),
            "admin-tokens.js": WebAsset(bytes: PackageResources.admin_tokens_js, contentType: js),
            "admin-trunks.js": WebAsset(bytes: PackageResources.admin_trunks_js, contentType: js),
            "admin-config.js": WebAsset(bytes: PackageResources.admin_config_js, contentType: js),
            "admin-extensions.js": WebAsset(bytes: PackageResources.admin_extensions_js, contentType: js),
            "admin-dialplans.js": WebAsset(bytes: PackageResources.admin_dialplans_js, contentType: js),
            "admin-simulator.js": WebAsset(bytes: PackageResources.admin_simulator_js, contentType: js),
            "admin-calls.js": WebAsset(bytes: PackageResources.admin_calls_js, contentType: js),
            "admin-voicemail.js": WebAsset(bytes: PackageResources.admin_voicemail_js, contentType: js),
            "admin-home.js": WebAsset(bytes: PackageResources.admin_home_js, contentType: js),
            "admin-schedules.js": WebAsset(bytes: PackageResources.admin_schedules_js, contentType: js),
        ]
    }()

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get("/admin", use: page)
        router.get("/admin/:page", use: page)
        router.get("/admin/:page/:id", use: page)
        router.get("/admin/assets/:file", use: asset)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        WebAsset.page(ByteBuffer(bytes: PackageResources.admin_html), securityHeaders: Self.securityHeaders)
    }

    @Sendable func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        try WebAsset.response(context.parameters.get("file"), in: Self.assets)
    }

    /// Everything from this server only: scripts, styles, API calls, and audio (greetings and
    /// voicemail play from the API with the session cookie).
    static let securityHeaders = HTTPFields.pageSecurity(
        csp: [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "media-src 'self' blob:",
            "img-src 'self' data:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'",
        ].joined(separator: "; "))
}
