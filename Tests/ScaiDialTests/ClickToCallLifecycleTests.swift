import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// After the 201: the dial failing in every way LiveKit can fail, the far end answering (a
/// webhook), hanging up, and the active-calls views.
@Suite("Click-to-call: dial failures, answer, hang-up, active calls")
struct ClickToCallLifecycleTests {
    /// Places a call with the user's event stream open; returns the call id, its room, the stream.
    static func placed(_ env: ClickToCallEnv, _ destination: String = "+31612345678") async throws -> (String, String, SSEStream) {
        let events = try await SSEStream.open(port: env.port, token: env.user)
        #expect(try await events.next().name == "ready")
        let reply = try await env.place(destination)
        #expect(reply.status == .created, "\(reply.text)")
        return (reply.json["call_id"] as? String ?? "", reply.json["room_name"] as? String ?? "", events)
    }

    /// The next `call_updated` that reports `state` (every webhook about the call repeats where it stands).
    static func next(_ events: SSEStream, state: String) async throws -> [String: Any] {
        while true {
            let update = try await events.next("call_updated").json
            if update["state"] as? String == state { return update }
        }
    }

    /// The dial fails as `fault` makes it: the sip leg fails with the reason (and SIP status), the
    /// call fails, the room is deleted, and the user's browser hears of it.
    static func dialFails(
        _ fault: FakeLiveKit.Fault, reason: String, sip: Int?, detail: String,
        configure: @escaping @Sendable (inout AppConfig) -> Void = { _ in }
    ) async throws {
        try await ClickToCallEnv.run(configure: configure) { env in
            await env.fake.fail("CreateSIPParticipant", with: fault)
            let (callID, room, events) = try await placed(env)
            let update = try await events.next("call_updated", timeout: .seconds(15))
            #expect(update.json["call_id"] as? String == callID)
            #expect(update.json["state"] as? String == "failed")
            #expect(update.json["end_reason"] as? String == reason)
            #expect(update.json["sip_status"] as? Int == sip)
            let call = try await env.call(callID)
            #expect(call["state"] as? String == "failed" && call["end_reason"] as? String == reason)
            #expect(call["sip_status"] as? Int == sip && call["ended_at"] is String)
            let leg = try #require(env.leg(call, "sip"))
            #expect(leg["state"] as? String == "failed" && leg["sip_status"] as? Int == sip)
            #expect((leg["failure_reason"] as? String)?.contains(detail) == true, "\(leg["failure_reason"] ?? "")")
            #expect(env.leg(call, "wave")?["state"] as? String == "ended")
            #expect(await env.fake.requests("DeleteRoom").contains { (try? $0.decode(DeleteRoomRequest.self))?.room == room })
            #expect(try await env.api.get("/me/calls/active", token: env.user).items.isEmpty)
            events.close()
        }
    }

    @Test("the carrier refuses (SIP 486 Busy Here)")
    func carrierRejects() async throws {
        try await Self.dialFails(.sip(code: 486, status: "Busy Here"), reason: "carrier_rejected", sip: 486, detail: "Busy Here")
    }

    @Test("LiveKit answers 5xx")
    func liveKit5xx() async throws {
        try await Self.dialFails(
            .status(500, code: "internal", message: "sip service crashed"), reason: "livekit_error", sip: nil, detail: "sip service crashed"
        )
        try await Self.dialFails(.unavailable, reason: "livekit_error", sip: nil, detail: "unavailable")
    }

    @Test("LiveKit does not answer in time")
    func liveKitTimeout() async throws {
        try await Self.dialFails(
            .delay(.seconds(3)), reason: "livekit_error", sip: nil, detail: "did not answer",
            configure: { $0.liveKitTimeout = .milliseconds(500) })
    }

    @Test("LiveKit is unreachable")
    func liveKitUnreachable() async throws {
        try await ClickToCallEnv.run(configure: { $0.liveKitTimeout = .seconds(2) }) { env in
            await env.fake.stop()
            let (callID, _, events) = try await Self.placed(env)
            let update = try await events.next("call_updated", timeout: .seconds(15))
            #expect(update.json["state"] as? String == "failed" && update.json["end_reason"] as? String == "livekit_error")
            let leg = try #require(env.leg(try await env.call(callID), "sip"))
            #expect((leg["failure_reason"] as? String)?.contains("unreachable") == true, "\(leg["failure_reason"] ?? "")")
            events.close()
        }
    }

    @Test("the far end answers (webhook): the leg is answered, the call active; its hang-up ends the call and the room")
    func answeredByWebhook() async throws {
        try await ClickToCallEnv.run { env in
            let (callID, room, events) = try await Self.placed(env)
            #expect(try await events.next("call_updated").json["state"] as? String == "ringing")
            // The browser joining its own room does not make the call active: nobody answered yet.
            _ = try await env.webhooks.send([
                "event": "participant_joined", "id": "EV_u", "room": ["name": room],
                "participant": ["identity": "user_\(env.world.a.userID.lowercased())", "state": "ACTIVE"],
            ])
            var call = try await env.call(callID)
            #expect(call["state"] as? String == "ringing")
            #expect(env.leg(call, "wave")?["state"] as? String == "answered")
            // livekit-sip joins the room while dialing; the answer shows in sip.callStatus.
            try await env.sip("participant_joined", room: room, destination: "+31612345678", status: "dialing", id: "EV_d")
            #expect(try await env.call(callID)["state"] as? String == "ringing")
            try await env.sip("track_published", room: room, destination: "+31612345678", status: "active", id: "EV_a")
            call = try await env.call(callID)
            #expect(call["state"] as? String == "active" && call["answered_at"] is String)
            #expect(env.leg(call, "sip")?["state"] as? String == "answered")
            #expect(try await Self.next(events, state: "active")["call_id"] as? String == callID)
            // The callee hangs up: the call ends as completed and the room goes (the browser with it).
            try await env.sip("participant_left", room: room, destination: "+31612345678", status: "hangup", id: "EV_l")
            call = try await env.call(callID)
            #expect(call["state"] as? String == "ended" && call["end_reason"] as? String == "completed")
            #expect(env.leg(call, "sip")?["state"] as? String == "ended")
            #expect(try await Self.next(events, state: "ended")["end_reason"] as? String == "completed")
            #expect(await env.fake.requests("DeleteRoom").count == 1)
            events.close()
        }
    }

    @Test("the callee joins answered at once (participant_joined with sip.callStatus active)")
    func answeredOnJoin() async throws {
        try await ClickToCallEnv.run { env in
            let (callID, room, events) = try await Self.placed(env)
            try await env.sip("participant_joined", room: room, destination: "+31612345678", status: "active", id: "EV_j")
            #expect(try await env.call(callID)["state"] as? String == "active")
            events.close()
        }
    }

    @Test("the callee rejects after ringing: the leg fails with the reason, the call fails as carrier_rejected")
    func rejectedAfterRinging() async throws {
        try await ClickToCallEnv.run { env in
            let (callID, room, events) = try await Self.placed(env)
            try await env.sip("participant_joined", room: room, destination: "+31612345678", status: "ringing", id: "EV_r")
            try await env.sip("participant_left", room: room, destination: "+31612345678", status: nil, id: "EV_x", reason: "USER_REJECTED")
            let call = try await env.call(callID)
            #expect(call["state"] as? String == "failed" && call["end_reason"] as? String == "carrier_rejected")
            #expect((env.leg(call, "sip")?["failure_reason"] as? String)?.contains("rejected") == true)
            // Nobody answering is not a failure: it ended with no answer.
            let (second, room2, _) = try await Self.placed(env, "+31612345670")
            try await env.sip(
                "participant_left", room: room2, destination: "+31612345670", status: nil, id: "EV_y", reason: "USER_UNAVAILABLE")
            let unanswered = try await env.call(second)
            #expect(unanswered["state"] as? String == "ended" && unanswered["end_reason"] as? String == "no_answer")
            events.close()
        }
    }

    @Test("active calls: the user's own view and the tenant's; hang-up deletes the room and ends both")
    func activeAndHangup() async throws {
        try await ClickToCallEnv.run { env in
            let w = env.world
            let (callID, room, events) = try await Self.placed(env)
            let mine = try await env.api.get("/me/calls/active", token: env.user).items
            #expect(mine.map { $0["id"] as? String } == [callID])
            #expect((mine.first?["legs"] as? [[String: Any]])?.count == 2)
            #expect(try await env.api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.map { $0["id"] as? String } == [callID])
            #expect(try await env.api.get("\(w.b.base)/calls/active", token: w.b.adminToken).items.isEmpty)
            #expect(try await env.api.get("/me/calls/active", token: w.b.userToken).items.isEmpty)
            #expect(try await env.api.get("/me/calls/active", token: w.rootToken).status == .forbidden)

            #expect(try await env.api.post("/me/calls/\(callID)/hangup", token: env.user, [:]).status == .noContent)
            let call = try await env.call(callID)
            #expect(call["state"] as? String == "ended" && call["end_reason"] as? String == "hangup_by_user")
            #expect(await env.fake.requests("DeleteRoom").contains { (try? $0.decode(DeleteRoomRequest.self))?.room == room })
            #expect(try await Self.next(events, state: "ended")["end_reason"] as? String == "hangup_by_user")
            #expect(try await env.api.get("/me/calls/active", token: env.user).items.isEmpty)
            #expect(try await env.api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.isEmpty)
            events.close()
        }
    }

    @Test("hanging up while the dial is still on its way: the room LiveKit makes for it goes too")
    func hangupDuringDial() async throws {
        try await ClickToCallEnv.run { env in
            await env.fake.fail("CreateSIPParticipant", with: .delay(.milliseconds(800)))
            let (callID, room, events) = try await Self.placed(env)
            #expect(try await env.api.post("/me/calls/\(callID)/hangup", token: env.user, [:]).status == .noContent)
            try await eventually("the dial returned and its room was deleted") {
                await env.fake.requests("DeleteRoom").count == 2
            }
            // One DeleteRoom from the hang-up, one from the dialer once LiveKit answered the dial.
            try await Task.sleep(for: .milliseconds(1200))
            #expect(!(await env.fake.rooms.contains { $0.name == room }))
            #expect(try await env.call(callID)["end_reason"] as? String == "hangup_by_user")
            events.close()
        }
    }
}
