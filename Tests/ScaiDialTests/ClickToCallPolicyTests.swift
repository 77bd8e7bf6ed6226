import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

/// Tenant policy on click-to-call: where a tenant may call, how many calls at once, how many per user.
@Suite("Click-to-call: tenant policy and limits")
struct ClickToCallPolicyTests {
    static let nl = OutboundPolicy(homeCountry: "NL", allowInternational: false, allowedPrefixes: [], blockedPrefixes: [])

    @Test("the policy as a pure value: blocked prefixes first, then international, then the allowed list")
    func pure() {
        #expect(Self.nl.refusal(for: "+31612345678") == nil)
        #expect(Self.nl.refusal(for: "+442079460000") == .international(destination: "+442079460000"))
        let open = OutboundPolicy(homeCountry: "NL", allowInternational: true, allowedPrefixes: [], blockedPrefixes: ["+31900", "+3190"])
        #expect(open.refusal(for: "+442079460000") == nil)
        #expect(open.refusal(for: "+319001234567") == .blockedPrefix(destination: "+319001234567", prefix: "+31900"))
        let listed = OutboundPolicy(homeCountry: "NL", allowInternational: false, allowedPrefixes: ["+316", "+44"], blockedPrefixes: [])
        #expect(listed.refusal(for: "+31612345678") == nil)
        #expect(listed.refusal(for: "+31201234567") == .notInAllowedPrefixes(destination: "+31201234567"))
        // An allowed prefix abroad still needs allow_international.
        #expect(listed.refusal(for: "+442079460000") == .international(destination: "+442079460000"))
        // A blocked prefix beats an allowed one.
        let both = OutboundPolicy(homeCountry: "NL", allowInternational: false, allowedPrefixes: ["+316"], blockedPrefixes: ["+3161"])
        #expect(both.refusal(for: "+31612345678") == .blockedPrefix(destination: "+31612345678", prefix: "+3161"))
    }

    @Test("international calls only when the policy allows them")
    func international() async throws {
        try await ClickToCallEnv.run { env in
            let refused = try await env.place("+44 20 7946 0000")
            #expect(refused.status == .forbidden && refused.json["code"] as? String == "international_not_allowed")
            #expect((refused.json["detail"] as? String)?.contains("+442079460000") == true)
            #expect(try await env.calls().isEmpty)
            try await env.policy(["allow_international": true])
            #expect(try await env.place("0044 20 7946 0000").status == .created)
        }
    }

    @Test("blocked and allowed prefixes, each with its own reason")
    func prefixes() async throws {
        try await ClickToCallEnv.run { env in
            try await env.policy(["blocked_prefixes": ["+31900"], "allowed_prefixes": ["+316", "+31900"]])
            let blocked = try await env.place("0900 1234567")
            #expect(blocked.status == .forbidden && blocked.json["code"] as? String == "destination_blocked")
            let unlisted = try await env.place("020 123 4567")
            #expect(unlisted.status == .forbidden && unlisted.json["code"] as? String == "destination_not_allowed")
            #expect(try await env.calls().isEmpty)
            #expect(try await env.place("06 1234 5678").status == .created)
        }
    }

    @Test("max_concurrent_calls: the tenant's live calls count, inbound ones too; a hang-up frees a line")
    func concurrent() async throws {
        try await ClickToCallEnv.run { env in
            try await env.policy(["max_concurrent_calls": 2])
            let first = try #require(try await env.place("+31612345678").json["call_id"] as? String)
            #expect(try await InboundDispatchTests.hook(env.api, InboundDispatchTests.body("SCL_in")).json["result"] as? String == "ACCEPT")
            let over = try await env.place("+31612345679")
            #expect(over.status == .forbidden && over.json["code"] as? String == "over_concurrent_limit")
            #expect(try await env.calls().count == 2)
            #expect(try await env.api.post("/me/calls/\(first)/hangup", token: env.user, [:]).status == .noContent)
            #expect(try await env.place("+31612345679").status == .created)
        }
    }

    @Test("the per-user hourly limit: 429 with Retry-After; other users are not affected")
    func rateLimit() async throws {
        try await ClickToCallEnv.run { env in
            let w = env.world
            try await env.policy(["max_calls_per_user_per_hour": 2])
            let policy = try await env.api.get(w.a.base, token: w.a.adminToken).json["policy"] as? [String: Any]
            #expect(policy?["max_calls_per_user_per_hour"] as? Int == 2)
            for number in ["+31612345671", "+31612345672"] {
                let id = try #require(try await env.place(number).json["call_id"] as? String)
                #expect(try await env.api.post("/me/calls/\(id)/hangup", token: env.user, [:]).status == .noContent)
            }
            let limited = try await env.place("+31612345673")
            #expect(limited.status == .tooManyRequests && limited.json["code"] as? String == "rate_limited")
            let retry = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((3500...3600).contains(retry))
            #expect(try await env.calls().count == 2)
            // A colleague still can.
            let other = try await env.api.post(
                "\(w.a.base)/users", token: w.a.adminToken, ["email": "c@a.test", "password": "colleague-pw"]
            ).id
            _ = try await env.api.post("\(w.a.base)/extensions/\(w.a.extensionID)/grants", token: w.a.adminToken, ["user_id": other])
            #expect(try await env.place("+31612345673", token: try await env.api.login("c@a.test", "colleague-pw")).status == .created)
        }
    }

    @Test("the per-user limit is part of the policy: defaults to 60, validated on write")
    func rateLimitField() async throws {
        try await withApp { api, _ in
            let w = try await World.build(api)
            let policy = try await api.get(w.a.base, token: w.a.adminToken).json["policy"] as? [String: Any]
            #expect(policy?["max_calls_per_user_per_hour"] as? Int == 60)
            let bad = try await api.patch(w.a.base, token: w.a.adminToken, ["policy": ["max_calls_per_user_per_hour": 0]])
            #expect(bad.status == .unprocessableContent && bad.errorFields == ["policy.max_calls_per_user_per_hour"])
        }
    }
}
