import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// `forward` in `refer` mode against the fake LiveKit, which, like real livekit-sip, refuses a
/// REFER on an unanswered call (412) and answers a ringing caller when audio arrives in its room.
@Suite("Refer forwards: answer with an announcement, wait for active, then transfer")
struct ReferForwardTests {
    static func fast(_ config: inout AppConfig) {
        config.referPollInterval = .milliseconds(50)
        config.jobPollInterval = .milliseconds(100)
        // Long enough for a loaded test machine; the test that waits it out sets its own.
        config.referAnswerTimeout = .seconds(60)
    }

    /// The caller in its room as livekit-sip puts it there (ringing, its track published); LiveKit's
    /// own webhooks tell the application from then on.
    static func callerArrives(_ env: WebhookDoorTests.Env, room: String, callID: String, event: String) async throws {
        await env.liveKitSendsWebhooks()
        await env.fake.sipInbound(room: room, from: "+31612345678", to: "+31201110001", callID: callID)
        await env.fake.flush()
    }

    static func call(_ env: WebhookDoorTests.Env) async throws -> [String: Any] {
        try #require(try await env.calls().first)
    }

    @Test("the call is answered by the announcement, then transferred to sip:<number>@<trunk address>")
    func transfers() async throws {
        try await CallActionTests().run(configure: Self.fast) { env in
            try await CallActionTests.rule(env, ["type": "forward", "target": "+31611112222", "mode": "refer"])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_refer"
            try await Self.callerArrives(env, room: room, callID: "SCL_refer", event: "EV_refer")
            try await eventually("transfer recorded") { try await Self.call(env)["state"] as? String == "ended" }
            let ingress = try #require(try await env.fake.requests("CreateIngress").first?.decode(CreateIngressRequest.self))
            #expect(ingress.inputType == .url)
            #expect(ingress.url?.hasSuffix("/media/transfer.wav") == true)
            #expect(ingress.roomName == room)
            let transfer = try #require(
                try await env.fake.requests("TransferSIPParticipant").first?.decode(TransferSIPParticipantRequest.self))
            #expect(transfer.transferTo == "sip:+31611112222@sip.a.example:5060")
            #expect(transfer.participantIdentity == "sip_+31612345678")
            #expect(transfer.roomName == room)
            let call = try await Self.call(env)
            #expect(call["end_reason"] as? String == "transferred")
            #expect(call["answered_at"] is String)
            let leg = (call["legs"] as? [[String: Any]])?.first { $0["destination"] as? String == "+31611112222" }
            #expect(leg?["answered_at"] is String)
            #expect(leg?["failure_reason"] is NSNull)
            // The announcement is taken down once the transfer is done.
            try await eventually("ingress deleted") { await env.fake.ingresses.isEmpty }
            try FakeOracle.write(await env.fake.requests, tag: "app-refer")
            // The webhook delivered again starts nothing new.
            _ = try await env.send(WebhookDoorTests.joined("EV_refer", room: room, callID: "SCL_refer"))
            #expect(await env.fake.requests("CreateIngress").count == 1)
            #expect(await env.fake.requests("TransferSIPParticipant").count == 1)
        }
    }

    @Test("no REFER while the caller is still ringing: the transfer waits for sip.callStatus active")
    func waitsForActive() async throws {
        try await CallActionTests().run(configure: Self.fast) { env in
            await env.fake.setAnswersWhenAudioArrives(false)
            try await CallActionTests.rule(env, ["type": "forward", "target": "sip:desk@pbx.example.com", "mode": "refer"])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_wait"
            try await Self.callerArrives(env, room: room, callID: "SCL_wait", event: "EV_wait")
            // Several polls see the caller ringing, and none of them transfers.
            try await eventually("polled while ringing") { await env.fake.requests("ListParticipants").count >= 3 }
            #expect(await env.fake.requests("TransferSIPParticipant").isEmpty)
            #expect(try await Self.call(env)["state"] as? String == "ringing")
            await env.fake.setCallStatus(room: room, identity: "sip_+31612345678", "active")
            try await eventually("transferred") { try await Self.call(env)["end_reason"] as? String == "transferred" }
            let transfer = try #require(
                try await env.fake.requests("TransferSIPParticipant").first?.decode(TransferSIPParticipantRequest.self))
            #expect(transfer.transferTo == "sip:desk@pbx.example.com")
        }
    }

    @Test("a trunk with refer_uri tel transfers to tel:<number>")
    func telURI() async throws {
        try await CallActionTests().run(configure: Self.fast) { env in
            let w = env.world
            let r = try await env.api.patch("\(w.a.base)/trunks/\(w.a.trunkID)", token: w.a.adminToken, ["refer_uri": "tel"])
            #expect(r.status == .ok, "\(r.text)")
            try await CallActionTests.rule(env, ["type": "forward", "target": "+31611112222", "mode": "refer"])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_tel"
            try await Self.callerArrives(env, room: room, callID: "SCL_tel", event: "EV_tel")
            try await eventually("transferred") { try await Self.call(env)["end_reason"] as? String == "transferred" }
            let transfer = try await env.fake.requests("TransferSIPParticipant").first?.decode(TransferSIPParticipantRequest.self)
            #expect(transfer?.transferTo == "tel:+31611112222")
        }
    }

    @Test("a REFER the target refuses: the leg fails with its SIP status, the call fails, the announcement goes")
    func refused() async throws {
        try await CallActionTests().run(configure: Self.fast) { env in
            try await CallActionTests.rule(env, ["type": "forward", "target": "+31611112222", "mode": "refer"])
            await env.fake.fail("TransferSIPParticipant", with: .sip(code: 486, status: "Busy Here"))
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_busy"
            try await Self.callerArrives(env, room: room, callID: "SCL_rbusy", event: "EV_rbusy")
            try await eventually("failed") { try await Self.call(env)["state"] as? String == "failed" }
            let call = try await Self.call(env)
            #expect(call["end_reason"] as? String == "carrier_rejected")
            #expect(call["sip_status"] as? Int == 486)
            let leg = (call["legs"] as? [[String: Any]])?.first { $0["destination"] as? String == "+31611112222" }
            #expect(leg?["state"] as? String == "failed" && leg?["sip_status"] as? Int == 486)
            try await eventually("ingress deleted") { await env.fake.ingresses.isEmpty }
        }
    }

    @Test("a caller livekit-sip never answers is not transferred: the forward fails after the wait")
    func neverAnswered() async throws {
        try await CallActionTests().run(configure: {
            Self.fast(&$0)
            $0.referAnswerTimeout = .milliseconds(400)
        }) { env in
            await env.fake.setAnswersWhenAudioArrives(false)
            try await CallActionTests.rule(env, ["type": "forward", "target": "+31611112222", "mode": "refer"])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_never"
            try await Self.callerArrives(env, room: room, callID: "SCL_never", event: "EV_never")
            try await eventually("failed") { try await Self.call(env)["state"] as? String == "failed" }
            #expect(try await Self.call(env)["end_reason"] as? String == "forward_failed")
            #expect(await env.fake.requests("TransferSIPParticipant").isEmpty)
        }
    }

    @Test("the caller hanging up during the announcement ends the call without a transfer")
    func callerGone() async throws {
        try await CallActionTests().run(configure: Self.fast) { env in
            await env.fake.setAnswersWhenAudioArrives(false)
            try await CallActionTests.rule(env, ["type": "forward", "target": "+31611112222", "mode": "refer"])
            let room = "\(TrunkSyncHandler.roomPrefix)_+31612345678_gone"
            try await Self.callerArrives(env, room: room, callID: "SCL_gone", event: "EV_gone")
            try await eventually("announcement playing") { await !env.fake.ingresses.isEmpty }
            await env.fake.dropParticipant(room: room, identity: "sip_+31612345678")
            try await eventually("ended") { try await Self.call(env)["state"] as? String == "ended" }
            #expect(try await Self.call(env)["end_reason"] as? String == "caller_hangup")
            #expect(await env.fake.requests("TransferSIPParticipant").isEmpty)
            try await eventually("ingress deleted") { await env.fake.ingresses.isEmpty }
        }
    }

    @Test("through the hook door: the decision is made at /sip/inbound, the refer starts on the caller's webhook")
    func hookDoor() async throws {
        try await CallActionTests().run(configure: Self.fast) { env in
            try await CallActionTests.rule(env, ["type": "forward", "target": "+31611112222", "mode": "refer"])
            let answer = try await env.api.call(
                .post, "/sip/inbound", json: InboundDispatchTests.body("SCL_hook_refer"),
                headers: [.authorization: "Bearer \(InboundDispatchTests.secret)"])
            #expect(answer.json["result"] as? String == "ACCEPT")
            let room = try #require(answer.json["room_name"] as? String)
            // Nothing happens before the caller is in the room.
            #expect(await env.fake.requests("CreateIngress").isEmpty)
            try await Self.callerArrives(env, room: room, callID: "SCL_hook_refer", event: "EV_hook_refer")
            try await eventually("transferred") { try await Self.call(env)["end_reason"] as? String == "transferred" }
            #expect(await env.fake.requests("TransferSIPParticipant").count == 1)
        }
    }
}
