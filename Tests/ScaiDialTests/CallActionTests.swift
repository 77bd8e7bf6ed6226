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

    /// A caller through the webhook door, played by the fake as livekit-sip would: in its own
    /// `scaidial-in_…` room, ringing, its track published.
    static func caller(_ env: WebhookDoorTests.Env, _ tag: String) async -> (room: String, identity: String) {
        let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_\(tag)"
        let identity = await env.fake.sipInbound(room: room, from: "+31612345678", to: "+31201110001", callID: "SCL_\(tag)")
        return (room, identity)
    }

    static func callStatus(_ env: WebhookDoorTests.Env, _ room: String, _ identity: String) async -> String? {
        await env.fake.participants(in: room).first { $0.identity == identity }?.attributes?["sip.callStatus"]
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
            await env.liveKitSendsWebhooks()
            let (room, caller) = await Self.caller(env, "bot")
            try await eventually("the agent is dispatched") { await !env.fake.dispatches.isEmpty }
            let dispatches = await env.fake.dispatches
            #expect(dispatches.count == 1)
            #expect(dispatches.first?.agentName == "support-agent" && dispatches.first?.room == room)
            try FakeOracle.write(await env.fake.requests, tag: "app-bot")
            try await FakeOracle.writeWebhooks(of: env.fake, tag: "app-bot")
            #expect(await Self.callStatus(env, room, caller) == "ringing")
            await env.fake.agentJoins(room: room, identity: "agent-AJ_1")
            let call = try await env.call(when: "the agent answers") { $0["state"] as? String == "active" }
            let legs = call["legs"] as? [[String: Any]] ?? []
            #expect(
                legs.contains {
                    $0["kind"] as? String == "bot" && $0["state"] as? String == "answered"
                        && $0["participant_identity"] as? String == "agent-AJ_1"
                })
            // The agent spoke: livekit-sip answered the caller.
            #expect(await Self.callStatus(env, room, caller) == "active")
            // A repeated delivery of the caller's joining dispatches nothing more.
            let first = try #require(await env.fake.sentEvents.first { $0.event == "participant_joined" })
            _ = try await env.send(
                try JSONSerialization.jsonObject(with: ProtoJSON.encode(first, keys: .camelCase)) as? [String: Any] ?? [:])
            try await env.services.jobs.runDue()
            #expect(await env.fake.dispatches.count == 1)
        }
    }

    @Test("a bridge forward dials the target over the call's trunk, waits for its answer, showing the DID as caller id")
    func bridge() async throws {
        try await run { env in
            try await Self.rule(env, ["type": "forward", "target": "06 11112222"])
            await env.fake.setCallee("+31611112222", .rings)
            await env.liveKitSendsWebhooks()
            let (room, caller) = await Self.caller(env, "fw")
            try await eventually("the forward is dialed") { await !env.fake.requests("CreateSIPParticipant").isEmpty }
            let dials = await env.fake.requests("CreateSIPParticipant")
            #expect(dials.count == 1)
            let request = try #require(try dials.first?.decode(CreateSIPParticipantRequest.self))
            let outbound = await env.fake.outboundTrunks.first?.sipTrunkId
            #expect(request.sipTrunkId == outbound)
            #expect(request.sipCallTo == "+31611112222")
            #expect(request.sipNumber == "+31201110001")
            #expect(request.roomName == room)
            #expect(request.waitUntilAnswered == true)
            #expect(request.ringingTimeout == .seconds(30) && request.maxCallDuration == .seconds(3600))
            // The target's participant joined the room before its INVITE: livekit-sip answered the caller.
            await env.fake.flush()
            #expect(await Self.callStatus(env, room, caller) == "active")
            var call = try #require(try await env.calls().first)
            #expect(call["action"] as? String == "forward" && call["state"] as? String == "ringing")
            let forward = try #require((call["legs"] as? [[String: Any]])?.first { $0["destination"] as? String == "+31611112222" })
            #expect(forward["state"] as? String == "dialing" && !(forward["answered_at"] is String))
            let identity = try #require(forward["participant_identity"] as? String)
            // The target picks up: the dial returns, the leg is answered, the call active.
            await env.fake.answerCallee(room: room, identity: identity)
            call = try await env.call(when: "the forward answers") { $0["state"] as? String == "active" }
            #expect(call["answered_at"] is String)
            try FakeOracle.write(await env.fake.requests, tag: "app-bridge")
            // The forwarded-to party hangs up: the call ends and the caller is let go with the room.
            #expect(await env.fake.requests("DeleteRoom").isEmpty)
            await env.fake.dropParticipant(room: room, identity: identity)
            call = try await env.call(when: "the call ends") { $0["state"] as? String == "ended" }
            #expect(call["end_reason"] as? String == "hangup_by_callee" || call["end_reason"] as? String != nil)
            try await eventually("the room goes") { await !env.fake.requests("DeleteRoom").isEmpty }
            // This call's room and no other. (On a loaded run the DeleteRoom job can be retried after
            // a slow answer; LiveKit answers a repeat not_found, which the job takes as done.)
            #expect(Set(await env.fake.requests("DeleteRoom").compactMap { try? $0.decode(DeleteRoomRequest.self).room }) == [room])
            #expect(await env.fake.participants(in: room).isEmpty)
            try await FakeOracle.writeWebhooks(of: env.fake, tag: "app-bridge")
        }
    }

    @Test(
        "a forward target that is busy, does not answer, or a carrier that refuses: the leg records why, the caller is let go",
        arguments: [
            (FakeLiveKit.Callee.busy, 486, "failed"), (.declines, 603, "failed"), (.noAnswer, 480, "ended"),
        ])
    func bridgeFails(callee: FakeLiveKit.Callee, sip: Int, legState: String) async throws {
        try await run { env in
            try await Self.rule(env, ["type": "forward", "target": "+31611112222"])
            await env.fake.setCallee("+31611112222", callee)
            await env.liveKitSendsWebhooks()
            let (room, caller) = await Self.caller(env, "busy\(sip)")
            // The target's participant_left and the dial's answer (the only one with the SIP status)
            // race; the status lands on the failed call whichever comes first.
            let call = try await env.call(when: "the forward fails with the dial's status") {
                $0["state"] as? String == "failed" && $0["sip_status"] is Int
            }
            #expect(call["end_reason"] as? String == "forward_failed")
            #expect(call["sip_status"] as? Int == sip)
            let leg = (call["legs"] as? [[String: Any]])?.first { $0["destination"] as? String == "+31611112222" }
            #expect(leg?["state"] as? String == legState && leg?["sip_status"] as? Int == sip)
            // The caller (answered when the forward joined) is not left in a room with nobody.
            let callerLeg = (call["legs"] as? [[String: Any]])?.first { $0["participant_identity"] as? String == caller }
            #expect(callerLeg?["state"] as? String != "failed")
            try await eventually("the caller is let go") { await env.fake.participants(in: room).isEmpty }
            // The target leaving was never taken for the caller's hang-up.
            #expect(call["end_reason"] as? String != "caller_hangup")
        }
    }

    @Test("a carrier error on the forward (LiveKit 5xx on the dial): forward_failed, the caller let go, the error on the leg")
    func bridgeLiveKitError() async throws {
        try await run { env in
            try await Self.rule(env, ["type": "forward", "target": "+31611112222"])
            await env.fake.fail("CreateSIPParticipant", with: .unavailable)
            await env.liveKitSendsWebhooks()
            let (room, _) = await Self.caller(env, "lk5xx")
            let call = try await env.call(when: "the forward fails") { $0["state"] as? String == "failed" }
            #expect(call["end_reason"] as? String == "forward_failed")
            let leg = (call["legs"] as? [[String: Any]])?.first { $0["destination"] as? String == "+31611112222" }
            #expect(leg?["state"] as? String == "failed" && (leg?["failure_reason"] as? String)?.isEmpty == false)
            // One dial only: a dial that failed is not repeated (it might have rung).
            #expect(await env.fake.requests("CreateSIPParticipant").count == 1)
            try await eventually("the caller is let go") { await env.fake.participants(in: room).isEmpty }
        }
    }
}
