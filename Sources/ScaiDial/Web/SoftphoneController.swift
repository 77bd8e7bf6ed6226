import Foundation
import Hummingbird

/// `/my/dial` and `/my/voicemail`: the user's browser softphone (one page, a view each) — plain HTML, CSS and JavaScript compiled into the
/// binary. The page signs in with the session cookie and talks to the `/me/*` API; the LiveKit
/// browser SDK comes from `SCAIDIAL_LIVEKIT_SDK_URL` (checked against its integrity hash).
struct SoftphoneController {
    let services: AppServices

    static let assets: [String: WebAsset] = [
        "phone.css": WebAsset(bytes: PackageResources.phone_css, contentType: WebAsset.css),
        "phone-api.js": WebAsset(bytes: PackageResources.phone_api_js, contentType: WebAsset.javaScript),
        "phone-media.js": WebAsset(bytes: PackageResources.phone_media_js, contentType: WebAsset.javaScript),
        "phone-devices.js": WebAsset(bytes: PackageResources.phone_devices_js, contentType: WebAsset.javaScript),
        "phone-card.js": WebAsset(bytes: PackageResources.phone_card_js, contentType: WebAsset.javaScript),
        "phone-app.js": WebAsset(bytes: PackageResources.phone_app_js, contentType: WebAsset.javaScript),
        "phone-ringer.js": WebAsset(bytes: PackageResources.phone_ringer_js, contentType: WebAsset.javaScript),
        "phone-recents.js": WebAsset(bytes: PackageResources.phone_recents_js, contentType: WebAsset.javaScript),
        "voicemail.js": WebAsset(bytes: PackageResources.voicemail_js, contentType: WebAsset.javaScript),
    ]

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.get("/my/dial", use: page)
        // One page, two views: the path picks the view it opens on; switching views never reloads
        // (a ringing or live call stays on screen).
        router.get("/my/voicemail", use: page)
        router.get("/my/recents", use: page)
        router.get("/my/assets/:file", use: asset)
    }

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        WebAsset.page(
            ByteBuffer(string: Self.render(sdk: services.config.liveKitSDK)),
            securityHeaders: Self.securityHeaders(sdk: services.config.liveKitSDK))
    }

    @Sendable func asset(_ request: Request, context: AppRequestContext) async throws -> Response {
        try WebAsset.response(context.parameters.get("file"), in: Self.assets)
    }

    /// The page with the SDK's `<script>` tag filled in (attribute values escaped).
    static func render(sdk: LiveKitSDKSettings) -> String {
        var tag = #"<script src="\#(escape(sdk.url))""#
        if let integrity = sdk.integrity { tag += #" integrity="\#(escape(integrity))""# }
        tag += #" crossorigin="anonymous" defer></script>"#
        return String(decoding: PackageResources.dial_html, as: UTF8.self).replacingOccurrences(of: "{{SDK_SCRIPT}}", with: tag)
    }

    /// Scripts only from this server and the SDK's origin; media (LiveKit) over ws/wss and https.
    static func securityHeaders(sdk: LiveKitSDKSettings) -> HTTPFields {
        let sdkOrigin = URL(string: sdk.url).flatMap { url in
            url.host.map { "\(url.scheme ?? "https")://\($0)\(url.port.map { ":\($0)" } ?? "")" }
        }
        let csp = [
            "default-src 'self'", "script-src 'self'" + (sdkOrigin.map { " \($0)" } ?? ""), "connect-src 'self' ws: wss: https:",
            "media-src 'self' blob:", "worker-src 'self' blob:", "img-src 'self' data:", "style-src 'self'", "frame-ancestors 'none'",
            "base-uri 'none'", "form-action 'self'",
        ].joined(separator: "; ")
        return .pageSecurity(csp: csp)
    }

    private static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}
