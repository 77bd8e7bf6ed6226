import Foundation
import Testing

@testable import ScaiDial

/// `GET /v1/tenants/{t}/dashboard`: today's calls on the tenant's clock, missed calls, voicemail
/// waiting, and the set-up checklist ticking as a new tenant is set up.
@Suite("Dashboard")
struct DashboardTests {
    @Test("a new tenant's checklist ticks step by step: trunk, number, extension, user, dialplan, simulate")
    func checklist() async throws {
        try await withApp { api, _ in
            let root = try await api.login("root@platform.test", "root-password")
            let tenant = try await api.post("/v1/tenants", token: root, ["name": "New", "country": "NL", "timezone": "Europe/Amsterdam"]).id
            let base = "/v1/tenants/\(tenant)"
            func setup() async throws -> [String: Bool] {
                let reply = try await api.get("\(base)/dashboard", token: root)
                #expect(reply.status == .ok, "\(reply.text)")
                return (reply.json["setup"] as? [String: Bool]) ?? [:]
            }
            let steps = ["trunk", "number", "extension", "user", "dialplan", "simulated"]
            func ticked() async throws -> [String] { let s = try await setup(); return steps.filter { s[$0] == true } }
            #expect(try await ticked() == [])
            let trunk = try await api.post("\(base)/trunks", token: root, ["name": "c", "address": "sip.c.example"]).id
            #expect(try await ticked() == ["trunk"])
            let did = try await api.post("\(base)/dids", token: root, ["number": "+31201119999", "trunk_id": trunk]).id
            #expect(try await ticked() == ["trunk", "number"])
            let ext = try await api.post("\(base)/extensions", token: root, ["number": "201", "name": "Desk"]).id
            #expect(try await ticked() == ["trunk", "number", "extension"])
            let user = try await api.post("\(base)/users", token: root, ["email": "u@new.test", "password": "user-password"]).id
            #expect(try await ticked() == ["trunk", "number", "extension"])  // a user who answers nothing yet
            _ = try await api.post("\(base)/extensions/\(ext)/grants", token: root, ["user_id": user])
            #expect(try await ticked() == ["trunk", "number", "extension", "user"])
            // The user's page lists what they hold.
            let held = try await api.get("\(base)/users/\(user)/extensions", token: root)
            #expect(held.items.map { $0["number"] as? String } == ["201"], "\(held.text)")
            let plan = try await api.post("\(base)/dialplans", token: root, ["name": "main"]).id
            _ = try await api.patch("\(base)/dids/\(did)", token: root, ["dialplan_id": plan])
            #expect(try await ticked() == ["trunk", "number", "extension", "user"])  // a plan without rules routes nothing
            _ = try await api.post(
                "\(base)/dialplans/\(plan)/rules", token: root, ["priority": 1, "action": ["type": "ring_extension", "extension_id": ext]])
            #expect(try await ticked() == ["trunk", "number", "extension", "user", "dialplan"])
            _ = try await api.post("\(base)/dialplans/\(plan)/simulate", token: root, ["to": "+31201119999"])
            #expect(try await ticked() == steps)
            // Admins of another tenant do not see it; users do not see dashboards.
            let w = try await World.build(api)
            #expect(try await api.get("\(base)/dashboard", token: w.a.adminToken).status == .notFound)
            #expect(try await api.get("\(base)/users/\(user)/extensions", token: w.a.adminToken).status == .notFound)
            #expect(try await api.get("\(w.a.base)/dashboard", token: w.a.userToken).status == .forbidden)
        }
    }

    @Test("today's calls, the missed ones (rang, nobody answered, no voicemail), live calls and unread voicemail")
    func counts() async throws {
        try await RingingTests().run { env in
            let w = env.world
            func board() async throws -> [String: Any] { try await env.api.get("\(w.a.base)/dashboard", token: w.a.adminToken).json }
            #expect(try await board()["calls_today"] as? Int == 0)
            // Nobody online: straight to voicemail — a call today, not a missed one.
            _ = try await env.call("SCL_dash_vm")
            // Someone online, and the caller gives up while it rings: missed.
            let stream = try await SSEStream.open(port: env.port, token: w.a.userToken)
            _ = try await stream.next()
            let decision = try await env.call("SCL_dash_missed")
            _ = try await stream.next("ring")
            #expect(try await board()["live_calls"] as? Int == 2)
            let (room, caller) = try await env.callerJoins(decision, callID: "SCL_dash_missed")
            await env.fake.callerHangsUp(room: room, identity: caller)
            _ = try await stream.next("ring_cancelled")
            let after = try await board()
            #expect(after["calls_today"] as? Int == 2)
            #expect(after["missed_today"] as? Int == 1)
            #expect(after["live_calls"] as? Int == 1)  // the voicemail call waits for its caller
            #expect(after["voicemail_unread"] as? Int == 0)
            // Yesterday's calls are not today's: a day later on the tenant's clock, both are gone.
            env.clock.advance(by: .seconds(86_400))
            #expect(try await board()["calls_today"] as? Int == 0)
            stream.close()
        }
    }
}
