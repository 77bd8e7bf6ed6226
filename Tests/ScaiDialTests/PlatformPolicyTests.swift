import Foundation
import Hummingbird
import LiveKit
import Testing

@testable import ScaiDial

/// Issue 14, item 4: the limits and where calls may go belong to the platform, and every call that
/// leaves the platform obeys them — click-to-call, dialplan forwards, forward rules, refers.
@Suite("Platform policy: set by the platform admin, obeyed by every call that leaves")
struct PlatformPolicyTests {
    @Test("a tenant admin reads the platform's limits and cannot change them (403 naming each); the same values sent back pass")
    func tenantAdminCannotChangeLimits() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let before = try await api.get(w.a.base, token: w.a.adminToken)
            let policy = try #require(before.json["policy"] as? [String: Any])
            for (field, value) in [
                ("max_concurrent_calls", 1_000 as Any), ("max_calls_per_user_per_hour", 9_999), ("allow_international", true),
                ("allowed_prefixes", ["+1"]), ("blocked_prefixes", [] as [String]),
            ] where "\(policy[field] ?? "")" != "\(value)" {
                let refused = try await api.patch(w.a.base, token: w.a.adminToken, ["name": "Renamed", "policy": [field: value]])
                #expect(refused.status == .forbidden && refused.json["code"] as? String == "platform_policy", "\(field): \(refused.text)")
                #expect(refused.errorFields == ["policy.\(field)"])
            }
            // Nothing was written, not even the name sent with it.
            let after = try await api.get(w.a.base, token: w.a.adminToken)
            #expect(after.json["name"] as? String == before.json["name"] as? String)
            #expect(try Self.canonical(after.json["policy"] ?? [:]) == Self.canonical(policy))
            // The console sends the whole policy back with a tenant's own change: that is fine.
            var mine = policy
            mine["max_call_duration_s"] = 1_200
            let own = try await api.patch(w.a.base, token: w.a.adminToken, ["policy": mine])
            #expect(own.status == .ok, "\(own.text)")
            let byOperator = try await api.patch(
                w.a.base, token: w.rootToken,
                ["policy": ["max_concurrent_calls": 7, "allow_international": true, "blocked_prefixes": ["+31900"]]])
            #expect(byOperator.status == .ok)
            let set = try #require(byOperator.json["policy"] as? [String: Any])
            #expect(set["max_concurrent_calls"] as? Int == 7 && set["allow_international"] as? Bool == true)
        }
    }

    static func canonical(_ value: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Tenant A (NL) with international calls off and the +31900 premium range blocked.
    static func restricted(_ api: API, _ w: World) async throws {
        let r = try await api.patch(
            w.a.base, token: w.rootToken, ["policy": ["allow_international": false, "blocked_prefixes": ["+31900"]]])
        #expect(r.status == .ok, "\(r.text)")
    }

    @Test(
        "forward targets obey the outbound policy when saved: dialplan forwards (numbers and SIP URIs with numbers) and forward rules, 422 naming the field"
    )
    func checkedWhenSaved() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            try await Self.restricted(api, w)
            let rules = "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules"
            let refused: [(String, [String: Any])] = [
                ("+1 876 555 0100 (Jamaica) is international", ["type": "forward", "target": "+18765550100"]),
                ("a national premium number", ["type": "forward", "target": "0900 1234567"]),
                ("00 and a foreign country", ["type": "forward", "target": "0044 20 7946 0000"]),
                (
                    "a refer to a SIP URI naming a blocked number",
                    ["type": "forward", "mode": "refer", "target": "sip:+31900123456@carrier.example"]
                ),
                (
                    "a refer to a SIP URI naming a foreign national number",
                    ["type": "forward", "mode": "refer", "target": "sip:0044207946000@carrier.example"]
                ),
            ]
            for (n, (why, action)) in refused.enumerated() {
                let reply = try await api.post(rules, token: w.a.adminToken, ["priority": 50 + n, "action": action])
                #expect(reply.status == .unprocessableContent && reply.errorFields == ["action.target"], "\(why): \(reply.text)")
            }
            for (n, action) in [
                ["type": "forward", "target": "+31201234567"], ["type": "forward", "mode": "refer", "target": "sip:desk@pbx.example"],
                ["type": "forward", "mode": "refer", "target": "sip:+31201234567@carrier.example"],
            ].enumerated() {
                let reply = try await api.post(rules, token: w.a.adminToken, ["priority": 80 + n, "action": action])
                #expect(reply.status == .created, "\(reply.text)")
            }
            let forwardRules = "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules"
            let abroad = try await api.post(
                forwardRules, token: w.a.adminToken, ["trigger": "busy", "target_type": "number", "target": "+442079460000"])
            #expect(abroad.status == .unprocessableContent && abroad.errorFields == ["target"], "\(abroad.text)")
            #expect((abroad.json["errors"] as? [[String: Any]])?.first?["message"] as? String != nil)
            let premium = try await api.post(
                forwardRules, token: w.a.adminToken, ["trigger": "busy", "target_type": "number", "target": "+31900123456"])
            #expect(premium.status == .unprocessableContent)
            let home = try await api.post(
                forwardRules, token: w.a.adminToken, ["trigger": "busy", "target_type": "number", "target": "+31201234567"])
            #expect(home.status == .created, "\(home.text)")
            // A dialplan saved whole is checked rule by rule.
            let plan = try await api.post(
                "\(w.a.base)/dialplans", token: w.a.adminToken,
                ["name": "abroad", "rules": [["priority": 1, "action": ["type": "forward", "target": "+18095550100"]]]])
            #expect(plan.status == .unprocessableContent && plan.errorFields == ["rules[0].action.target"], "\(plan.text)")
        }
    }

    @Test(
        "a forward the policy refuses when it is dialled (the policy changed after the save) is not dialled: the caller reaches voicemail")
    func checkedWhenDialled() async throws {
        try await CallHarness.run { h in
            let w = h.world
            try await LiveKitPlayTests.forwardRule(h, ["trigger": "always", "target_type": "number", "target": "+31900123456"])
            try await Self.restricted(h.api, w)
            let id = try await h.inbound("SCL_blocked_fwd")
            try await eventually("the greeting plays") { await LiveKitPlayTests.requests(h, "CreateIngress") == 1 }
            #expect(await LiveKitPlayTests.requests(h, "CreateSIPParticipant") == 0)
            let call = try await h.call(id)
            let forward = try #require(call.legs.first { $0.destination == "+31900123456" })
            #expect(forward.state == .failed && forward.failureReason?.contains("not dialled") == true, "\(forward)")
            #expect(call.isLive && call.voicemailLeg != nil)
        }
    }
}
