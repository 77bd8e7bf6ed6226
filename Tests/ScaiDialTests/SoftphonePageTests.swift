import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

/// `/my/dial` and its assets, as served by the binary (the page itself is driven in headless
/// Chromium by Tests/browser).
@Suite("The softphone page")
struct SoftphonePageTests {
    @Test("the page loads the SDK from the configured URL with its integrity hash, under a CSP that allows only it")
    func page() async throws {
        let sdk = LiveKitSDKSettings(url: "https://sdk.example/lk/livekit-client.umd.js", integrity: "sha384-abc\"<x")
        try await withApp(configure: { $0.liveKitSDK = sdk }) { api, _ in
            let reply = try await api.get("/my/dial", token: nil)
            #expect(reply.status == .ok)
            #expect(reply.headers[.contentType] == "text/html; charset=utf-8")
            #expect(
                reply.text.contains(
                    #"<script src="https://sdk.example/lk/livekit-client.umd.js" integrity="sha384-abc&quot;&lt;x" crossorigin="anonymous" defer></script>"#
                ))
            #expect(!reply.text.contains("{{"))
            let csp = try #require(reply.headers[.init("Content-Security-Policy")!])
            #expect(csp.contains("script-src 'self' https://sdk.example;"))
            #expect(csp.contains("frame-ancestors 'none'"))
            for script in [
                "phone-api.js", "phone-media.js", "phone-devices.js", "phone-card.js", "phone-ringer.js", "phone-recents.js", "voicemail.js", "phone-app.js",
            ] {
                #expect(reply.text.contains(#"<script src="/my/assets/\#(script)" defer></script>"#))
            }
            // One app: /my/voicemail is the same page (its script picks the view from the path), so a
            // call rings and stays on screen in either view.
            for view in ["/my/voicemail", "/my/recents"] {
                let other = try await api.get(view, token: nil)
                #expect(other.status == .ok && other.text == reply.text, "\(view)")
            }
            #expect(try await api.get("/my/assets/voicemail.js", token: nil).status == .ok)
        }
    }

    @Test("without an integrity hash the tag has none; the default is the pinned CDN build")
    func defaults() async throws {
        #expect(LiveKitSDKSettings().url.contains("livekit-client@2."))
        let html = SoftphoneController.render(sdk: LiveKitSDKSettings())
        #expect(html.contains(#"<script src="\#(LiveKitSDKSettings.defaultURL)" crossorigin="anonymous" defer></script>"#))
    }

    @Test("assets are served with their types; unknown ones are 404 problems")
    func assets() async throws {
        try await withApp { api, _ in
            let css = try await api.get("/my/assets/phone.css", token: nil)
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8" && css.text.contains(".card"))
            let js = try await api.get("/my/assets/phone-app.js", token: nil)
            #expect(js.status == .ok && js.headers[.contentType] == "text/javascript; charset=utf-8")
            #expect(js.text.contains("/me/click-to-call"))
            let missing = try await api.get("/my/assets/../../etc/passwd", token: nil)
            #expect(missing.status == .notFound)
            #expect(try await api.get("/my/assets/nope.js", token: nil).status == .notFound)
        }
    }

    @Test("SCAIDIAL_LIVEKIT_SDK_URL and _INTEGRITY are read and checked")
    func configuration() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sdk-\(UUID())").path
        let config = try AppConfig.fromEnvironment([
            "SCAIDIAL_DATA_DIR": dir, "SCAIDIAL_LIVEKIT_SDK_URL": "/static/livekit-client.umd.js",
            "SCAIDIAL_LIVEKIT_SDK_INTEGRITY": "sha384-xyz",
        ])
        #expect(config.liveKitSDK == LiveKitSDKSettings(url: "/static/livekit-client.umd.js", integrity: "sha384-xyz"))
        #expect(try AppConfig.fromEnvironment(["SCAIDIAL_DATA_DIR": dir]).liveKitSDK == LiveKitSDKSettings())
        #expect(throws: ConfigurationError.self) {
            try AppConfig.fromEnvironment(["SCAIDIAL_DATA_DIR": dir, "SCAIDIAL_LIVEKIT_SDK_URL": "ftp://x/y.js"])
        }
        #expect(throws: ConfigurationError.self) {
            try AppConfig.fromEnvironment(["SCAIDIAL_DATA_DIR": dir, "SCAIDIAL_LIVEKIT_SDK_INTEGRITY": "md5-nope"])
        }
    }
}
