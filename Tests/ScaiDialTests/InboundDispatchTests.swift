import Foundation
import Hummingbird
import Testing

@testable import ScaiDial

/// The hook door `POST /sip/inbound`: one dispatcher, decisions recorded, idempotent per call id.
@Suite("Inbound dispatch: the hook door")
struct InboundDispatchTests {
    static let secret = "hook-secret-for-tests"

    static func body(_ lkCallID: String, from: String? = "+31612345678", to: String = "+31201110001") -> [String: Any] {
        var call: [String: Any] = [
            "lk_call_id": lkCallID, "sip_call_id": "abc@carrier", "source_ip": "192.0.2.10",
            "to": ["user": to, "host": "sip.example"],
        ]
        if let from { call["from"] = ["user": from, "host": "carrier.example"] }
        return ["sip_trunk_id": "ST_x", "call": call]
    }

    static func hook(_ api: API, _ body: [String: Any], secret: String? = secret) async throws -> Reply {
        try await api.call(.post, "/sip/inbound", json: body, headers: secret.map { [.authorization: "Bearer \($0)"] } ?? [:])
    }

    static func calls(_ api: API, _ w: World) async throws -> [[String: Any]] {
        try await api.get("\(w.a.base)/calls", token: w.a.adminToken).items
    }

    func run(_ body: @escaping @Sendable (API, World) async throws -> Void) async throws {
        try await withApp(configure: { $0.sipInboundSecret = Self.secret }) { api, _ in
            try await body(api, try await World.build(api))
        }
    }

    @Test("without the shared secret, or with a wrong one, the door is shut")
    func secrets() async throws {
        try await withApp { api, _ in
            let reply = try await Self.hook(api, Self.body("SCL_1"))
            #expect(reply.status == .unauthorized)
        }
        try await run { api, w in
            let wrong = try await Self.hook(api, Self.body("SCL_1"), secret: "nope")
            let missing = try await Self.hook(api, Self.body("SCL_1"), secret: nil)
            #expect(wrong.status == .unauthorized && missing.status == .unauthorized)
            #expect(try await Self.calls(api, w).isEmpty)
        }
    }

    @Test("a matching rule answers ACCEPT with the room, and the call and its SIP leg are recorded")
    func accept() async throws {
        try await run { api, w in
            let reply = try await Self.hook(api, Self.body("SCL_accept"))
            #expect(reply.status == .ok)
            #expect(reply.json["result"] as? String == "ACCEPT")
            let room = try #require(reply.json["room_name"] as? String)
            #expect(room.hasPrefix(InboundDispatcher.roomPrefix))
            #expect(reply.json["participant_identity"] as? String == "sip_+31612345678")
            #expect(reply.json["ringing_timeout"] as? String == "180s")
            #expect(reply.json["max_call_duration"] as? String == "3600s")
            let calls = try await Self.calls(api, w)
            #expect(calls.count == 1)
            #expect(calls[0]["room_name"] as? String == room)
            // Nobody is online to ring: the extension's default (voicemail) takes the call.
            #expect(calls[0]["state"] as? String == "ringing")
            #expect(calls[0]["action"] as? String == "voicemail")
            #expect(calls[0]["rule_id"] as? String == w.a.ruleID)
            #expect(calls[0]["livekit_call_id"] as? String == "SCL_accept")
            #expect(calls[0]["id"] as? String == reply.json["scaidial_call_id"] as? String)
            let legs = try #require(calls[0]["legs"] as? [[String: Any]])
            #expect(legs.map { $0["kind"] as? String } == ["sip", "voicemail"])
            let active = try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken)
            #expect(active.items.count == 1)
        }
    }

    @Test("a caller id of 100,000 characters, or with control and bidi characters, is kept short and clean at both doors")
    func hostileCallerID() async throws {
        // What a carrier (or someone posing as one) may put in From.
        let long = "+3161234" + String(repeating: "9", count: 102_400)
        let sneaky = "+31612\u{202E}345678\u{0}\n"
        #expect(InboundCall.clean(long).count == InboundCall.callerIDLimit)
        #expect(InboundCall.clean(sneaky) == "+31612345678")
        #expect(InboundCall.clean("  anonymous ") == "anonymous")
        try await run { api, w in
            let reply = try await Self.hook(api, Self.body("SCL_long", from: long))
            #expect(reply.json["result"] as? String == "ACCEPT", "\(reply.text.prefix(300))")
            #expect(reply.text.utf8.count < 2_000)
            #expect((reply.json["participant_identity"] as? String)?.count ?? .max <= InboundCall.callerIDLimit + 4)
            #expect((reply.json["participant_name"] as? String)?.count ?? .max <= InboundCall.callerIDLimit + 6)
            let dirty = try await Self.hook(api, Self.body("SCL_bidi", from: sneaky))
            #expect(dirty.json["participant_identity"] as? String == "sip_+31612345678")
            let froms = try await Self.calls(api, w).compactMap { $0["from"] as? String }
            #expect(froms.count == 2 && froms.allSatisfy { $0.count <= InboundCall.callerIDLimit })
            #expect(froms.contains("+31612345678"))
        }
    }

    @Test("the same call id twice gets the same answer and one record")
    func idempotent() async throws {
        try await run { api, w in
            let first = try await Self.hook(api, Self.body("SCL_twice"))
            let second = try await Self.hook(api, Self.body("SCL_twice"))
            #expect(first.json["room_name"] as? String == second.json["room_name"] as? String)
            #expect(first.json["scaidial_call_id"] as? String == second.json["scaidial_call_id"] as? String)
            #expect(try await Self.calls(api, w).count == 1)
        }
    }

    @Test("concurrent deliveries of one call make one record")
    func concurrent() async throws {
        try await run { api, w in
            let rooms = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await Self.hook(api, Self.body("SCL_race")).json["room_name"] as? String ?? "" } }
                return try await group.reduce(into: Set<String>()) { $0.insert($1) }
            }
            #expect(rooms.count == 1 && !rooms.contains(""))
            #expect(try await Self.calls(api, w).count == 1)
        }
    }

    @Test("an unknown number is rejected 404, counted, and belongs to no tenant")
    func unknownDID() async throws {
        try await run { api, w in
            let reply = try await Self.hook(api, Self.body("SCL_unknown", to: "+31209999999"))
            #expect(reply.json["result"] as? String == "REJECT")
            #expect(reply.json["scaidial_sip_status"] as? Int == 404)
            #expect(try await Self.calls(api, w).isEmpty)
            let metrics = try await api.get("/metrics", token: nil).text
            #expect(metrics.contains("scaidial_inbound_unknown_did_total{} 1"))
        }
    }

    @Test("no matching rule rejects 480; a hangup rule rejects with its status; both are recorded")
    func rejections() async throws {
        try await run { api, w in
            // The fixture's only rule rings everyone; disable it: no route.
            _ = try await api.patch(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules/\(w.a.ruleID)", token: w.a.adminToken, ["enabled": false])
            let none = try await Self.hook(api, Self.body("SCL_none"))
            #expect(none.json["result"] as? String == "REJECT" && none.json["scaidial_sip_status"] as? Int == 480)
            _ = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "conditions": ["caller": "_+316."], "action": ["type": "hangup", "sip_status": 486]])
            let busy = try await Self.hook(api, Self.body("SCL_busy"))
            #expect(busy.json["scaidial_sip_status"] as? Int == 486)
            let calls = try await Self.calls(api, w)
            #expect(Set(calls.map { $0["end_reason"] as? String }) == ["no_route", "hangup_rule"])
            #expect(calls.allSatisfy { $0["state"] as? String == "failed" && $0["ended_at"] is String })
            #expect(try await api.get("\(w.a.base)/calls?state=failed", token: w.a.adminToken).items.count == 2)
            #expect(try await api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.isEmpty)
        }
    }

    @Test("a tenant over its concurrent-call limit gets 503, recorded as over_limit")
    func overLimit() async throws {
        try await run { api, w in
            _ = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["max_concurrent_calls": 1]])
            #expect(try await Self.hook(api, Self.body("SCL_l1")).json["result"] as? String == "ACCEPT")
            let second = try await Self.hook(api, Self.body("SCL_l2"))
            #expect(second.json["scaidial_sip_status"] as? Int == 503)
            #expect(try await Self.calls(api, w).contains { $0["end_reason"] as? String == "over_limit" })
        }
    }

    @Test("withheld callers and SIP user names route by anonymous and exact rules")
    func callerForms() async throws {
        try await run { api, w in
            _ = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "conditions": ["caller": "anonymous"], "action": ["type": "hangup", "sip_status": 433]])
            _ = try await api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 2, "conditions": ["caller": "alice"], "action": ["type": "hangup", "sip_status": 488]])
            #expect(try await Self.hook(api, Self.body("SCL_anon", from: nil)).json["scaidial_sip_status"] as? Int == 433)
            #expect(try await Self.hook(api, Self.body("SCL_empty", from: "")).json["scaidial_sip_status"] as? Int == 433)
            #expect(try await Self.hook(api, Self.body("SCL_alice", from: "alice")).json["scaidial_sip_status"] as? Int == 488)
            // Carriers write the called number in several ways.
            #expect(try await Self.hook(api, Self.body("SCL_plain", to: "31201110001")).json["result"] as? String == "ACCEPT")
        }
    }

    @Test("malformed requests are 400/422 and write nothing")
    func malformed() async throws {
        try await run { api, w in
            let garbage = try await api.call(.post, "/sip/inbound", raw: "{nope", headers: [.authorization: "Bearer \(Self.secret)"])
            #expect(garbage.status == .badRequest)
            let missing = try await Self.hook(api, ["call": ["from": ["user": "+31612345678"]]])
            #expect(missing.status == .unprocessableContent)
            #expect(Set(missing.errorFields) == ["call.lk_call_id", "call.to"])
            #expect(try await Self.calls(api, w).isEmpty)
        }
    }

    @Test("calls are isolated per tenant and filter by direction, state, number and date")
    func history() async throws {
        try await run { api, w in
            _ = try await Self.hook(api, Self.body("SCL_h1"))
            _ = try await Self.hook(api, Self.body("SCL_h2", from: "+31687654321"))
            #expect(try await api.get("\(w.b.base)/calls", token: w.b.adminToken).items.isEmpty)
            let callID = try await Self.calls(api, w)[0]["id"] as! String
            #expect(try await api.get("\(w.b.base)/calls/\(callID)", token: w.b.adminToken).status == .notFound)
            #expect(try await api.get("\(w.a.base)/calls/\(callID)", token: w.a.userToken).status == .forbidden)
            #expect(try await api.get("\(w.a.base)/calls?number=87654", token: w.a.adminToken).items.count == 1)
            #expect(try await api.get("\(w.a.base)/calls?direction=outbound", token: w.a.adminToken).items.isEmpty)
            #expect(
                try await api.get("\(w.a.base)/calls?from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z", token: w.a.adminToken).items.count
                    == 2)
            #expect(try await api.get("\(w.a.base)/calls?to=2000-01-01T00:00:00Z", token: w.a.adminToken).items.isEmpty)
            #expect(
                Set(try await api.get("\(w.a.base)/calls?state=sideways&from=yesterday", token: w.a.adminToken).errorFields) == [
                    "state", "from",
                ])
            let page = try await api.get("\(w.a.base)/calls?limit=1", token: w.a.adminToken)
            #expect(page.items.count == 1 && page.json["next_cursor"] is String)
            // Newest first.
            #expect(page.items[0]["livekit_call_id"] as? String == "SCL_h2")
        }
    }
}
