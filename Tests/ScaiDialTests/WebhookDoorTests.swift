import Crypto
import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// The webhook door: stock LiveKit puts each caller in a fresh `scaidial-in_…` room and tells us
/// with a signed `participant_joined`; the same dispatcher decides.
@Suite("Inbound dispatch: the webhook door and the call lifecycle")
struct WebhookDoorTests {
    struct Env {
        let api: API
        let world: World
        let fake: FakeLiveKit
        let key: String
        let secret: String
        let services: AppServices

        func send(_ event: [String: Any]) async throws -> Reply {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: event), as: UTF8.self)
            var token = AccessToken(apiKey: key, apiSecret: secret)
            token.sha256 = Data(SHA256.hash(data: Data(body.utf8))).base64EncodedString()
            return try await api.call(.post, "/livekit/webhook", raw: body, headers: [.authorization: try token.jwt()])
        }

        func calls() async throws -> [[String: Any]] {
            try await api.get("\(world.a.base)/calls", token: world.a.adminToken).items
        }

        /// From now on the fake sends its own webhooks (what it plays, signed, in LiveKit's order)
        /// to the application.
        func liveKitSendsWebhooks() async {
            let api = self.api
            await fake.deliverWebhooks { body, authorization in
                _ = try? await api.call(
                    .post, "/livekit/webhook", raw: String(decoding: body, as: UTF8.self), headers: [.authorization: authorization])
            }
        }

        /// The first call's record once `condition` holds for it.
        func call(when what: String, _ condition: @escaping @Sendable ([String: Any]) -> Bool) async throws -> [String: Any] {
            try await eventually(what) { try await calls().first.map(condition) ?? false }
            return try await calls().first ?? [:]
        }
    }

    static func joined(
        _ id: String, room: String, callID: String, from: String = "+31612345678", status: String = "ringing"
    ) -> [String: Any] {
        [
            "event": "participant_joined", "id": id, "createdAt": "1790000000", "room": ["sid": "RM_x", "name": room],
            "participant": [
                "sid": "PA_\(callID)", "identity": "sip_\(from)", "state": "ACTIVE", "kind": "SIP",
                "attributes": [
                    "sip.callID": callID, "sip.phoneNumber": from, "sip.trunkPhoneNumber": "+31201110001",
                    "sip.trunkID": "ST_in", "sip.callStatus": status,
                ],
            ],
        ]
    }

    static func left(_ id: String, room: String, identity: String) -> [String: Any] {
        ["event": "participant_left", "id": id, "room": ["name": room], "participant": ["identity": identity, "kind": "SIP"]]
    }

    func run(configure: (inout AppConfig) -> Void = { _ in }, _ body: @escaping @Sendable (Env) async throws -> Void) async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        try await withAppServices(configure: {
            $0.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
            $0.sipInboundSecret = InboundDispatchTests.secret
            configure(&$0)
        }) { api, _, services in
            let env = Env(api: api, world: try await World.build(api), fake: fake, key: lk.apiKey, secret: lk.apiSecret, services: services)
            // A dial still ringing must not hold the application's shutdown for its ringing time.
            try await fake.abandoningDials { try await body(env) }
        }
        await fake.stop()
    }

    @Test("a SIP caller joining a catch-all room is dispatched and recorded against that room")
    func dispatches() async throws {
        try await run { env in
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_ab12"
            let reply = try await env.send(Self.joined("EV_1", room: room, callID: "SCL_w1"))
            #expect(reply.status == .ok)
            let calls = try await env.calls()
            #expect(calls.count == 1)
            #expect(calls[0]["room_name"] as? String == room)
            #expect(calls[0]["state"] as? String == "ringing")
            #expect(calls[0]["rule_id"] as? String == env.world.a.ruleID)
            #expect((calls[0]["legs"] as? [[String: Any]])?.first?["participant_identity"] as? String == "sip_+31612345678")
            // Rooms ScaiDial did not make, and non-SIP participants, are left alone.
            _ = try await env.send(Self.joined("EV_2", room: "someone-elses-room", callID: "SCL_other"))
            var browser = Self.joined("EV_3", room: room, callID: "SCL_w1")
            browser["participant"] = ["identity": "alice", "sid": "PA_alice"]
            _ = try await env.send(browser)
            #expect(try await env.calls().count == 1)
        }
    }

    @Test("a caller id of 100,000 characters at the webhook door is kept short and clean")
    func hostileCallerID() async throws {
        try await run { env in
            await env.liveKitSendsWebhooks()
            let long = "+3161234" + String(repeating: "9", count: 102_400) + "\u{202E}"
            let room = "\(TrunkSyncHandler.roomPrefix)_long_ab12"
            await env.fake.sipInbound(room: room, from: long, to: "+31201110001", callID: "SCL_wlong", identity: "sip_long")
            await env.fake.flush()
            let calls = try await env.calls()
            #expect(calls.count == 1)
            let from = try #require(calls.first?["from"] as? String)
            #expect(from.count == InboundCall.callerIDLimit && from.hasPrefix("+3161234") && !from.contains("\u{202E}"))
        }
    }

    @Test("both doors for one call make one record")
    func bothDoors() async throws {
        try await run { env in
            let hook = try await InboundDispatchTests.hook(env.api, InboundDispatchTests.body("SCL_both"))
            let room = try #require(hook.json["room_name"] as? String)
            _ = try await env.send(Self.joined("EV_b", room: "\(TrunkSyncHandler.roomPrefix)_+31612345678_zz", callID: "SCL_both"))
            let calls = try await env.calls()
            #expect(calls.count == 1)
            #expect(calls[0]["room_name"] as? String == room)
        }
    }

    @Test("a rejected caller at the webhook door is removed from its room at LiveKit, and the rejection recorded")
    func rejectRemoves() async throws {
        try await run { env in
            let w = env.world
            _ = try await env.api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "action": ["type": "hangup"]])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_rj"
            await env.fake.addParticipant(room: room, ParticipantInfo(sid: "PA_rj", identity: "sip_+31612345678", kind: .sip))
            _ = try await env.send(Self.joined("EV_rj", room: room, callID: "SCL_rj"))
            // Taken out by a job (the webhook is answered first), retried until LiveKit confirms.
            try await eventually("the caller is removed") { await !env.fake.requests("RemoveParticipant").isEmpty }
            let removals = await env.fake.requests("RemoveParticipant")
            #expect(removals.count == 1)
            let removed = String(decoding: removals.first?.body ?? Data(), as: UTF8.self)
            #expect(removed.contains("sip_+31612345678"))
            #expect(await env.fake.participants(in: room).isEmpty)
            let calls = try await env.calls()
            #expect(calls.first?["end_reason"] as? String == "hangup_rule")
            #expect(calls.first?["sip_status"] as? Int == 603)
        }
    }

    /// Routes tenant A's calls to a bot extension: the call waits (ringing, for the caller) until the
    /// agent joins, without depending on who is online or on voicemail.
    static func routeToBot(_ env: Env) async throws {
        let w = env.world
        let bot = try await env.api.post(
            "\(w.a.base)/extensions", token: w.a.adminToken, ["number": "900", "name": "Assistant", "type": "bot", "target_ref": "agent"])
        #expect(bot.status == .created, "\(bot.text)")
        let rule = try await env.api.post(
            "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
            ["priority": 1, "action": ["type": "ring_extension", "extension_id": bot.id]])
        #expect(rule.status == .created, "\(rule.text)")
    }

    @Test("a caller who hangs up while ringing ends the call; late and repeated events change nothing")
    func callerHangsUp() async throws {
        try await run { env in
            try await Self.routeToBot(env)
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_hu"
            _ = try await env.send(Self.joined("EV_h1", room: room, callID: "SCL_hu"))
            #expect(try await env.calls().first?["state"] as? String == "ringing")
            _ = try await env.send(Self.left("EV_h2", room: room, identity: "sip_+31612345678"))
            _ = try await env.send(Self.left("EV_h2", room: room, identity: "sip_+31612345678"))
            _ = try await env.send(["event": "room_finished", "id": "EV_h3", "room": ["name": room]])
            // Out of order: a stale "joined" after the end does not revive the call.
            _ = try await env.send(Self.joined("EV_h4", room: room, callID: "SCL_hu", status: "active"))
            let call = try #require(try await env.calls().first)
            #expect(call["state"] as? String == "ended")
            #expect(call["end_reason"] as? String == "caller_hangup")
            #expect(call["duration_s"] as? Int == 0)
            // The caller gave up: its leg ended (it was not refused); the bot's leg ended with the call.
            let legs = call["legs"] as? [[String: Any]] ?? []
            #expect(legs.map { $0["state"] as? String } == ["ended", "ended"])
            #expect(try await env.api.get("\(env.world.a.base)/calls/active", token: env.world.a.adminToken).items.isEmpty)
        }
    }

    @Test("an answered call that ends is completed, with its talk time")
    func completed() async throws {
        try await run { env in
            try await Self.routeToBot(env)
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_ok"
            _ = try await env.send(Self.joined("EV_c1", room: room, callID: "SCL_ok"))
            _ = try await env.send([
                "event": "participant_joined", "id": "EV_c2", "room": ["name": room],
                "participant": ["identity": "agent-AJ_ok", "kind": "AGENT", "state": "ACTIVE"],
            ])
            let live = try #require(try await env.calls().first)
            #expect(live["state"] as? String == "active" && live["answered_at"] is String)
            _ = try await env.send(["event": "room_finished", "id": "EV_c3", "room": ["name": room]])
            let call = try #require(try await env.calls().first)
            #expect(call["state"] as? String == "ended")
            #expect(call["end_reason"] as? String == "completed")
            #expect(call["duration_s"] is Int)
        }
    }
}
