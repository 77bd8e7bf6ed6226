import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

/// Issue 14, item 16: what a client sends is either understood or refused — never quietly ignored.
@Suite("Strict input: unknown fields, nulls and invisible characters are refused, naming each")
struct StrictInputTests {
    @Test("unknown fields are 422 naming each, nested ones by their path, and nothing is written")
    func unknownFields() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            // A token meant to expire, with the field misnamed: it used to be created never expiring.
            let token = try await api.post("/v1/auth/tokens", token: w.a.adminToken, ["name": "ci", "expires_at": "2027-01-01T00:00:00Z"])
            #expect(token.status == .unprocessableContent && token.errorFields == ["expires_at"], "\(token.text)")
            #expect(try await api.get("/v1/auth/tokens", token: w.a.adminToken).items.isEmpty)
            let ext = "\(w.a.base)/extensions/\(w.a.extensionID)"
            let typo = try await api.patch(ext, token: w.a.adminToken, ["voicemail_enable": false, "name": "Renamed"])
            #expect(typo.status == .unprocessableContent && typo.errorFields == ["voicemail_enable"], "\(typo.text)")
            #expect(try await api.get(ext, token: w.a.adminToken).json["name"] as? String != "Renamed")
            let nested = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["allow_internationl": true]])
            #expect(nested.status == .unprocessableContent && nested.errorFields == ["policy.allow_internationl"], "\(nested.text)")
            let inRules = try await api.post(
                "\(w.a.base)/dialplans", token: w.a.adminToken,
                ["name": "typo", "rules": [["priority": 1, "action": ["type": "hangup"], "condition": ["caller": "_+31."]]]])
            #expect(inRules.status == .unprocessableContent && inRules.errorFields == ["rules[0].condition"], "\(inRules.text)")
            // Two at once, each named.
            let two = try await api.patch(ext, token: w.a.adminToken, ["nmae": "x", "ring_timeout": 30])
            #expect(Set(two.errorFields) == ["nmae", "ring_timeout"])
            // A field that belongs to another action type is not silently dropped either.
            let stray = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 77, "action": ["type": "hangup", "target": "+31201234567"]])
            #expect(stray.status == .unprocessableContent && stray.errorFields == ["action.target"], "\(stray.text)")
            // Beside a refused field its siblings are not piled on: the bad type is the one problem.
            let badType = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 78, "action": ["type": "teleport", "target": "+31201234567"]])
            #expect(badType.errorFields == ["action.type"], "\(badType.text)")
        }
    }

    @Test("null on a field that cannot be null is 422; on a nullable one it clears it")
    func nulls() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let ext = "\(w.a.base)/extensions/\(w.a.extensionID)"
            for field in ["ring_timeout_s", "name", "voicemail_enabled"] {
                let reply = try await api.patch(ext, token: w.a.adminToken, [field: NSNull()])
                #expect(reply.status == .unprocessableContent && reply.errorFields == [field], "\(field): \(reply.text)")
                #expect(
                    (reply.json["errors"] as? [[String: Any]])?.first?["message"] as? String
                        == "must not be null (leave the field out to keep it as it is)")
            }
            let cleared = try await api.patch(w.a.base, token: w.a.adminToken, ["policy": ["default_caller_id": NSNull()]])
            #expect(cleared.status == .ok, "\(cleared.text)")
        }
    }

    @Test("control and bidirectional-formatting characters are refused in names; other Unicode is welcome")
    func invisibleCharacters() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let exts = "\(w.a.base)/extensions"
            for (n, name) in ["Sales\u{202E}gnp.exe", "Bell\u{0007}", "Line\u{0085}break", "Iso\u{2066}late", "Mark\u{200F}"].enumerated() {
                let reply = try await api.post(exts, token: w.a.adminToken, ["number": "5\(n)0", "name": name])
                #expect(
                    reply.status == .unprocessableContent && reply.errorFields == ["name"],
                    "\(name.unicodeScalars.map(\.value)): \(reply.text)")
            }
            let fine = try await api.post(exts, token: w.a.adminToken, ["number": "590", "name": "Zoë’s desk — 東京 😀"])
            #expect(fine.status == .created, "\(fine.text)")
            // A password may hold what its owner typed (nothing is trimmed or refused but NUL).
            let user = try await api.post(
                "\(w.a.base)/users", token: w.a.adminToken,
                ["email": "tab@alpha.test", "password": "tab\there-and\u{202E}there", "role": "user"])
            #expect(user.status == .created, "\(user.text)")
        }
    }

    @Test("the hook door reads LiveKit's body leniently: fields ScaiDial does not use are not errors")
    func hookDoorLenient() async throws {
        try await InboundDispatchTests().run { api, _ in
            var body = InboundDispatchTests.body("SCL_extra")
            var call = body["call"] as? [String: Any] ?? [:]
            call["media_encryption"] = "SIP_MEDIA_ENCRYPT_ALLOW"
            call["headers"] = ["X-Carrier": "a\u{0001}b"]
            body["call"] = call
            body["sip_trunk_id_v2"] = NSNull()
            let reply = try await InboundDispatchTests.hook(api, body)
            #expect(reply.json["result"] as? String == "ACCEPT", "\(reply.text)")
        }
    }

    @Test("a wrong method on a known path is 405 with Allow; an unknown path stays 404")
    func wrongMethod() async throws {
        try await withApp { api, _ in
            let root = try await api.login("root@platform.test", "root-password")
            let login = try await api.call(.delete, "/v1/auth/login", token: root)
            #expect(login.status == .methodNotAllowed && login.headers[.allow] == "POST", "\(login.text)")
            let tenants = try await api.call(.put, "/v1/tenants", token: root)
            #expect(tenants.status == .methodNotAllowed && tenants.headers[.allow] == "GET, POST, HEAD")
            let one = try await api.call(.post, "/v1/tenants/\(UUID())", token: root)
            #expect(one.status == .methodNotAllowed && one.headers[.allow]?.contains("PATCH") == true)
            #expect(try await api.call(.get, "/v1/nowhere", token: root).status == .notFound)
        }
    }

    @Test("a body over the limit is 413 saying the limit")
    func tooLarge() async throws {
        try await withApp { api, _ in
            let root = try await api.login("root@platform.test", "root-password")
            let big = "{\"name\":\"" + String(repeating: "x", count: 1_100_000) + "\"}"
            let reply = try await api.call(.post, "/v1/tenants", token: root, raw: big, headers: [.contentType: "application/json"])
            #expect(reply.status == .contentTooLarge && reply.text.contains("1048576 bytes"), "\(reply.text.prefix(300))")
        }
    }

    @Test("401 says whether the credentials were missing, not valid or expired")
    func unauthorizedSaysWhy() async throws {
        let clock = ManualClock()
        try await withApp(configure: { $0.clock = clock }) { api, _ in
            let root = try await api.login("root@platform.test", "root-password")
            let none = try await api.get("/me", token: nil)
            #expect(none.status == .unauthorized && (none.json["detail"] as? String)?.contains("no credentials were sent") == true)
            let forged = try await api.get("/me", token: "sd_forged")
            #expect(forged.status == .unauthorized && (forged.json["detail"] as? String)?.contains("is not valid") == true)
            let short = try await api.post("/v1/auth/tokens", token: root, ["name": "short", "expires_in_days": 1])
            let token = try #require(short.json["token"] as? String)
            #expect(try await api.get("/me", token: token).status == .ok)
            clock.advance(by: .seconds(2 * 86_400))
            let expired = try await api.get("/me", token: token)
            #expect(
                expired.status == .unauthorized && (expired.json["detail"] as? String)?.contains("expired at") == true, "\(expired.text)")
            let cookie = try await api.call(.get, "/me", headers: [.cookie: "scaidial_session=sd_gone"])
            #expect((cookie.json["detail"] as? String)?.contains("sign in again") == true)
        }
    }
}
