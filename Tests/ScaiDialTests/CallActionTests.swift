import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// Actions that need the caller in the room, played through the webhook door against the fake LiveKit.
@Suite("Call actions: bots and bridge forwards")
struct CallActionTests {
    func run(
        configure: (inout AppConfig) -> Void = { _ in }, _ body: @escaping @Sendable (WebhookDoorTests.Env) async throws -> Void
    ) async throws {
        try await WebhookDoorTests().run(configure: configure) { env in
            // The fixture's trunk syncs to the fake LiveKit (its outbound trunk carries forwards).
            try await eventually("trunk synced") {
                try await env.api.get("\(env.world.a.base)/trunks/\(env.world.a.trunkID)", token: env.world.a.adminToken)
                    .json["sync"].flatMap { ($0 as? [String: Any])?["state"] as? String } == "synced"
            }
            try await body(env)
        }
    }

    static func rule(_ env: WebhookDoorTests.Env, _ action: [String: Any]) async throws {
        let w = env.world
        let r = try await env.api.post(
            "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken, ["priority": 1, "action": action])
        #expect(r.status == .created, "\(r.text)")
    }

    @Test("a bot extension: LiveKit dispatches its agent into the room; the agent joining answers the call")
    func bot() async throws {
        try await run { env in
            let w = env.world
            let bot = try await env.api.post(
                "\(w.a.base)/extensions", token: w.a.adminToken,
                ["number": "900", "name": "Assistant", "type": "bot", "target_ref": "support-agent"]
            ).id
            try await Self.rule(env, ["type": "ring_extension", "extension_id": bot])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_bot"
            _ = try await env.send(WebhookDoorTests.joined("EV_bot1", room: room, callID: "SCL_bot"))
            let dispatches = await env.fake.dispatches
            #expect(dispatches.count == 1)
            #expect(dispatches.first?.agentName == "support-agent" && dispatches.first?.room == room)
            try FakeOracle.write(await env.fake.requests, tag: "app-bot")
            _ = try await env.send([
                "event": "participant_joined", "id": "EV_bot2", "room": ["name": room],
                "participant": ["identity": "agent-AJ_1", "kind": "AGENT", "state": "ACTIVE"],
            ])
            let call = try #require(try await env.calls().first)
            #expect(call["state"] as? String == "active")
            let legs = call["legs"] as? [[String: Any]] ?? []
            #expect(
                legs.contains {
                    $0["kind"] as? String == "bot" && $0["state"] as? String == "answered"
                        && $0["participant_identity"] as? String == "agent-AJ_1"
                })
            // A repeated delivery dispatches nothing more.
            _ = try await env.send(WebhookDoorTests.joined("EV_bot1", room: room, callID: "SCL_bot"))
            #expect(await env.fake.dispatches.count == 1)
        }
    }

    @Test("a bridge forward dials the target over the call's trunk, showing the DID as caller id")
    func bridge() async throws {
        try await run { env in
            try await Self.rule(env, ["type": "forward", "target": "06 11112222"])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_fw"
            _ = try await env.send(WebhookDoorTests.joined("EV_fw", room: room, callID: "SCL_fw"))
            let dials = await env.fake.requests("CreateSIPParticipant")
            #expect(dials.count == 1)
            let request = try #require(try dials.first?.decode(CreateSIPParticipantRequest.self))
            let outbound = await env.fake.outboundTrunks.first?.sipTrunkId
            #expect(request.sipTrunkId == outbound)
            #expect(request.sipCallTo == "+31611112222")
            #expect(request.sipNumber == "+31201110001")
            #expect(request.roomName == room)
            #expect(request.waitUntilAnswered == false)
            let call = try #require(try await env.calls().first)
            #expect(call["action"] as? String == "forward")
            let forward = try #require((call["legs"] as? [[String: Any]])?.first { $0["destination"] as? String == "+31611112222" })
            try FakeOracle.write(await env.fake.requests, tag: "app-bridge")
            // The forwarded-to party hangs up: the call ends and the caller is let go with the room.
            #expect(await env.fake.requests("DeleteRoom").isEmpty)
            let identity = try #require(forward["participant_identity"] as? String)
            _ = try await env.send(WebhookDoorTests.left("EV_fw_gone", room: room, identity: identity))
            #expect(try await env.calls().first?["state"] as? String == "ended")
            #expect(await env.fake.requests("DeleteRoom").compactMap { try? $0.decode(DeleteRoomRequest.self).room } == [room])
        }
    }

    @Test("a carrier that refuses the forward: the leg fails with its SIP status and the call fails")
    func bridgeRejected() async throws {
        try await run { env in
            try await Self.rule(env, ["type": "forward", "target": "+31611112222"])
            await env.fake.fail("CreateSIPParticipant", with: .sip(code: 486, status: "Busy Here"))
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_busy"
            _ = try await env.send(WebhookDoorTests.joined("EV_busy", room: room, callID: "SCL_busy"))
            let call = try #require(try await env.calls().first)
            #expect(call["state"] as? String == "failed")
            #expect(call["end_reason"] as? String == "carrier_rejected")
            #expect(call["sip_status"] as? Int == 486)
            let leg = (call["legs"] as? [[String: Any]])?.first { $0["destination"] as? String == "+31611112222" }
            #expect(leg?["state"] as? String == "failed" && leg?["sip_status"] as? Int == 486)
            #expect((leg?["failure_reason"] as? String)?.contains("Busy Here") == true)
        }
    }
}
