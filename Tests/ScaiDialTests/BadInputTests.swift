import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

/// Bad input gets a problem naming every bad field, and nothing is written.
@Suite("Bad input and conflicts")
struct BadInputTests {
    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let path: @Sendable (World.TenantFixture) -> String
        let body: @Sendable (World.TenantFixture) -> [String: Any]
        let fields: [String]
        var testDescription: String { name }
    }

    static let cases: [Bad] = [
        Bad(
            name: "user", path: { "\($0.base)/users" },
            body: { _ in ["email": "not-an-email", "password": "short", "role": "boss", "disabled": "yes"] },
            fields: ["email", "role", "disabled", "password"]),
        Bad(
            name: "trunk", path: { "\($0.base)/trunks" },
            body: { _ in
                [
                    "address": "sip:bad address", "transport": "carrier-pigeon", "allowed_addresses": ["10.0.0.0/8", "999.1.1.1"],
                    "register": true, "inbound_auth_username": "x",
                ]
            },
            fields: ["name", "address", "transport", "allowed_addresses[1]", "inbound_auth_password", "register"]),
        Bad(
            name: "did", path: { "\($0.base)/dids" }, body: { _ in ["number": "call me maybe", "trunk_id": "nope", "label": 5] },
            fields: ["number", "trunk_id", "label"]),
        Bad(
            name: "extension", path: { "\($0.base)/extensions" }, body: { _ in ["number": "1", "type": "bot", "ring_timeout_s": 1000] },
            fields: ["number", "name", "ring_timeout_s", "target_ref"]),
        Bad(
            name: "wave extension with a target_ref", path: { "\($0.base)/extensions" },
            body: { _ in ["number": "222", "name": "W", "type": "wave", "target_ref": "agent"] }, fields: ["target_ref"]),
        Bad(
            name: "forward rule", path: { "\($0.base)/extensions/\($0.extensionID)/forward-rules" },
            body: { _ in ["trigger": "sometimes", "target_type": "fax"] }, fields: ["trigger", "target_type"]),
        Bad(
            name: "forward rule to a bad number", path: { "\($0.base)/extensions/\($0.extensionID)/forward-rules" },
            body: { _ in ["trigger": "busy", "target_type": "number", "target": "abc"] }, fields: ["target"]),
        Bad(
            name: "dialplan with bad rules", path: { "\($0.base)/dialplans" },
            body: { _ in
                [
                    "name": "x",
                    "rules": [
                        [
                            "priority": 1, "conditions": ["callee": "_[5-1]", "days": ["mon", "funday"]],
                            "action": ["type": "ring_extension"],
                        ],
                        ["priority": 2, "conditions": ["time_from": "09:00"], "action": ["type": "teleport"]],
                    ],
                ]
            },
            fields: [
                "rules[0].conditions.callee", "rules[0].conditions.days[1]", "rules[0].action.extension_id",
                "rules[1].conditions.time_to", "rules[1].action.type",
            ]),
        Bad(
            name: "rule", path: { "\($0.base)/dialplans/\($0.dialplanID)/rules" },
            body: { _ in
                [
                    "priority": -1, "conditions": ["caller": "(.*)", "date_from": "2026-02-30", "date_to": "2026-01-01"],
                    "action": ["type": "hangup", "sip_status": 200],
                ]
            },
            fields: ["priority", "conditions.caller", "conditions.date_from", "action.sip_status"]),
        Bad(
            name: "forward rule action with sip target in bridge mode", path: { "\($0.base)/dialplans/\($0.dialplanID)/rules" },
            body: { _ in ["priority": 50, "action": ["type": "forward", "target": "sip:desk@pbx.example"]] }, fields: ["action.mode"]),
        Bad(
            name: "tenant", path: { _ in "/v1/tenants" },
            body: { _ in
                [
                    "name": "", "country": "XX", "timezone": "Mars/Olympus",
                    "policy": [
                        "max_concurrent_calls": 0, "allowed_prefixes": ["31"],
                        "default_caller_id": "nope", "forward_caller_id": "both",
                    ],
                ]
            },
            fields: [
                "name", "country", "timezone", "policy.allowed_prefixes[0]", "policy.max_concurrent_calls", "policy.forward_caller_id",
                "policy.default_caller_id",
            ]),
    ]

    @Test("each bad field is named and nothing is written", arguments: cases)
    func rejected(_ bad: Bad) async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let path = bad.path(w.a)
            let before = try await api.get(path, token: w.rootToken).items.count
            let reply = try await api.post(path, token: w.rootToken, bad.body(w.a))
            #expect(reply.status == .unprocessableContent, "\(reply.text)")
            #expect(reply.headers[.contentType] == "application/problem+json")
            #expect(Set(reply.errorFields) == Set(bad.fields), "\(reply.text)")
            #expect(try await api.get(path, token: w.rootToken).items.count == before)
        }
    }

    @Test("a rejected PATCH changes nothing, not even its valid fields")
    func patchAtomic() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let path = "\(w.a.base)/extensions/\(w.a.extensionID)"
            let reply = try await api.patch(path, token: w.a.adminToken, ["name": "Changed", "ring_timeout_s": 0])
            #expect(reply.errorFields == ["ring_timeout_s"])
            #expect(try await api.get(path, token: w.a.adminToken).json["name"] as? String == "Desk")
        }
    }

    @Test("passwords bcrypt would cut are refused: more than 72 bytes, or a NUL; exactly 72 bytes works; create-admin says the same")
    func passwordLimits() async throws {
        #expect(PasswordRule.problem(String(repeating: "é", count: 36)) == nil)  // 72 bytes
        #expect(PasswordRule.problem(String(repeating: "é", count: 37))?.contains("72 bytes") == true)
        #expect(PasswordRule.problem("password\u{0}tail")?.contains("NUL") == true)
        #expect(PasswordRule.problem(" seven ") != nil && PasswordRule.problem("  eight  ") == nil)  // nothing trimmed
        try await withApp { api, database in
            let w = try await World.build(api)
            let users = "\(w.a.base)/users"
            let before = try await api.get(users, token: w.a.adminToken).items.count
            for bad in [String(repeating: "a", count: 73), "correct\u{0}horse", String(repeating: "é", count: 37)] {
                let reply = try await api.post(users, token: w.a.adminToken, ["email": "long@a.test", "password": bad])
                #expect(reply.status == .unprocessableContent && reply.errorFields == ["password"], "\(reply.text)")
            }
            #expect(try await api.get(users, token: w.a.adminToken).items.count == before)
            let exact = String(repeating: "é", count: 36)
            let created = try await api.post(users, token: w.a.adminToken, ["email": "exact@a.test", "password": exact])
            #expect(created.status == .created, "\(created.text)")
            #expect(try await api.call(.post, "/v1/auth/login", json: ["email": "exact@a.test", "password": exact]).status == .ok)
            // The same rule for changing a password.
            let id = created.id
            let change = try await api.patch("\(users)/\(id)", token: w.a.adminToken, ["password": String(repeating: "b", count: 80)])
            #expect(change.errorFields == ["password"])
            await #expect(throws: (any Error).self) {
                try await Admin.createPlatformAdmin(
                    database.config(), email: "root2@platform.test", password: String(repeating: "c", count: 73), displayName: nil)
            }
        }
    }

    @Test("malformed JSON and non-object bodies are 400 problems")
    func malformed() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            for raw in ["{not json", "[1,2]", ""] {
                let reply = try await api.call(.post, "\(w.a.base)/extensions", token: w.a.adminToken, raw: raw)
                #expect(reply.status == .badRequest)
                #expect(reply.json["title"] as? String == "Bad Request")
            }
        }
    }

    @Test("duplicates are 409: DID across tenants, extension number, email, dialplan priority, names")
    func conflicts() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let b = w.b, t = b.adminToken
            // Tenant A owns +31201110001; B may not take it, whichever way it is written.
            let did = try await api.post("\(b.base)/dids", token: t, ["number": "020 111 0001", "trunk_id": b.trunkID])
            #expect(did.status == .conflict)
            #expect(try await api.post("\(b.base)/extensions", token: t, ["number": "101", "name": "Again"]).status == .conflict)
            #expect(try await api.post("\(b.base)/users", token: t, ["email": "USER@a.test", "password": "password1"]).status == .conflict)
            #expect(
                try await api.post("\(b.base)/dialplans/\(b.dialplanID)/rules", token: t, ["priority": 10, "action": ["type": "hangup"]])
                    .status == .conflict)
            #expect(try await api.post("\(b.base)/dialplans", token: t, ["name": "main"]).status == .conflict)
            #expect(try await api.post("\(b.base)/trunks", token: t, ["name": "carrier", "address": "x.example"]).status == .conflict)
            #expect(try await api.post("/v1/tenants", token: w.rootToken, ["name": "Alpha", "country": "NL"]).status == .conflict)
            #expect(try await api.post("\(b.base)/extensions/\(b.extensionID)/grants", token: t, ["user_id": b.userID]).status == .conflict)
            #expect(
                try await api.post(
                    "\(b.base)/extensions/\(b.extensionID)/forward-rules", token: t,
                    ["trigger": "no_answer", "target_type": "voicemail"]
                ).status == .conflict)
            // The same names are fine in another tenant.
            #expect(try await api.post("\(w.a.base)/dialplans", token: w.a.adminToken, ["name": "other"]).status == .created)
        }
    }

    @Test("deleting what others still use is refused with 409")
    func inUse() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let a = w.a, t = a.adminToken
            #expect(try await api.delete("\(a.base)/trunks/\(a.trunkID)", token: t).status == .conflict)
            #expect(try await api.delete("\(a.base)/dialplans/\(a.dialplanID)", token: t).status == .conflict)
            #expect(try await api.delete("\(a.base)/extensions/\(a.extensionID)", token: t).status == .conflict)
            // Once the DID is gone, the trunk and the dialplan can go.
            #expect(try await api.delete("\(a.base)/dids/\(a.didID)", token: t).status == .noContent)
            #expect(try await api.delete("\(a.base)/trunks/\(a.trunkID)", token: t).status == .noContent)
            #expect(try await api.delete("\(a.base)/dialplans/\(a.dialplanID)", token: t).status == .noContent)
            #expect(try await api.delete("\(a.base)/extensions/\(a.extensionID)", token: t).status == .noContent)
        }
    }

    @Test("unknown routes and unknown ids are 404 problem details")
    func notFound() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            for path in ["/v2/anything", "\(w.a.base)/trunks/not-a-uuid", "\(w.a.base)/trunks/\(UUID())", "/v1/tenants/\(UUID())"] {
                let reply = try await api.get(path, token: w.rootToken)
                #expect(reply.status == .notFound, "\(path)")
                #expect(reply.headers[.contentType] == "application/problem+json")
                #expect(reply.json["status"] as? Int == 404)
            }
        }
    }

    @Test("lists page with limit and cursor, in creation order, without gaps or repeats")
    func paging() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let col = "\(w.a.base)/extensions"
            for n in 200..<207 { _ = try await api.post(col, token: w.a.adminToken, ["number": "\(n)", "name": "E\(n)"]) }
            var seen: [String] = []
            var cursor: String?
            repeat {
                let page = try await api.get(col + "?limit=3" + (cursor.map { "&cursor=\($0)" } ?? ""), token: w.a.adminToken)
                #expect(page.items.count <= 3)
                seen += page.items.compactMap { $0["number"] as? String }
                cursor = page.json["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == ["101"] + (200..<207).map(String.init))
            #expect(try await api.get(col + "?limit=0", token: w.a.adminToken).errorFields == ["limit"])
            #expect(try await api.get(col + "?cursor=garbage", token: w.a.adminToken).errorFields == ["cursor"])
        }
    }
}
