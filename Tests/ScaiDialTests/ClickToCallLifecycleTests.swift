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
            let update = try await next(events, state: "failed")
            #expect(update["call_id"] as? String == callID)
            #expect(update["end_reason"] as? String == reason)
            #expect(update["sip_status"] as? Int == sip)
            let call = try await env.call(callID)
            #expect(call["state"] as? String == "failed" && call["end_reason"] as? String == reason)
            #expect(call["sip_status"] as? Int == sip && call["ended_at"] is String)
            let leg = try #require(env.leg(call, "sip"))
            #expect(leg["state"] as? String == "failed" && leg["sip_status"] as? Int == sip)
            #expect((leg["failure_reason"] as? String)?.contains(detail) == true, "\(leg["failure_reason"] ?? "")")
            #expect(env.leg(call, "wave")?["state"] as? String == "ended")
            // The room goes in a job written with the failure (it may come just after the update).
            try await eventually("the room is deleted") {
                await env.fake.requests("DeleteRoom").contains { (try? $0.decode(DeleteRoomRequest.self))?.room == room }
            }
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

    @Test("LiveKit does not answer in time (the ring time plus LiveKit's own timeout)")
    func liveKitTimeout() async throws {
        try await Self.dialFails(
            .delay(.seconds(4)), reason: "livekit_error", sip: nil, detail: "did not answer",
            configure: {
                $0.liveKitTimeout = .milliseconds(500)
                $0.outboundRingingTimeout = .seconds(1)
            })
    }

    @Test("LiveKit is unreachable")
    func liveKitUnreachable() async throws {
        try await ClickToCallEnv.run(configure: {
            $0.liveKitTimeout = .seconds(2)
            $0.outboundRingingTimeout = .seconds(1)
        }) { env in
            await env.fake.stop()
            let (callID, _, events) = try await Self.placed(env)
            let update = try await events.next("call_updated", timeout: .seconds(15))
            #expect(update.json["state"] as? String == "failed" && update.json["end_reason"] as? String == "livekit_error")
            let leg = try #require(env.leg(try await env.call(callID), "sip"))
            #expect((leg["failure_reason"] as? String)?.contains("unreachable") == true, "\(leg["failure_reason"] ?? "")")
            events.close()
        }
    }

    @Test("the far end answers: only the dial's return says so; the leg is answered, the call active; its hang-up ends the call")
    func answered() async throws {
        try await ClickToCallEnv.run { env in
            await env.fake.setCallee("+31612345678", .rings)
            let (callID, room, events) = try await Self.placed(env)
            // The browser joining its own room does not make the call active: nobody answered yet.
            let me = "user_\(env.world.a.userID.lowercased())"
            await env.fake.browserJoins(room: room, identity: me)
            await env.fake.publishAudio(room: room, identity: me)
            // livekit-sip's participant joins while dialing and publishes at once (the dial tone).
            #expect(try await Self.next(events, state: "ringing")["call_id"] as? String == callID)
            await env.fake.flush()
            var call = try await env.call(callID)
            #expect(call["state"] as? String == "ringing" && !(call["answered_at"] is String))
            #expect(env.leg(call, "wave")?["state"] as? String == "answered")
            #expect(env.leg(call, "sip")?["state"] as? String == "dialing")
            #expect(await env.callee(room)?.attributes?["sip.callStatus"] == "ringing")
            // The far end picks up: no webhook, only CreateSIPParticipant returning.
            let before = await env.fake.sentEvents.count
            await env.fake.answerCallee(room: room, identity: "sip_+31612345678")
            #expect(try await Self.next(events, state: "active")["call_id"] as? String == callID)
            #expect(await env.fake.sentEvents.count == before)
            call = try await env.call(callID)
            #expect(call["state"] as? String == "active" && call["answered_at"] is String)
            #expect(env.leg(call, "sip")?["state"] as? String == "answered")
            // The callee hangs up: the call ends as completed (not no_answer) and the room goes.
            await env.fake.dropParticipant(room: room, identity: "sip_+31612345678")
            #expect(try await Self.next(events, state: "ended")["end_reason"] as? String == "completed")
            call = try await env.call(callID)
            #expect(env.leg(call, "sip")?["state"] as? String == "ended")
            #expect(call["duration_s"] is Int && call["answered_at"] is String)
            try await eventually("the room goes") { await env.fake.requests("DeleteRoom").count == 1 }
            try await FakeOracle.writeWebhooks(of: env.fake, tag: "app-click-to-call")
            events.close()
        }
    }

    @Test("a far end that picks up at once: active as soon as the dial returns")
    func answeredAtOnce() async throws {
        try await ClickToCallEnv.run { env in
            let (callID, room, events) = try await Self.placed(env)
            #expect(try await Self.next(events, state: "active")["call_id"] as? String == callID)
            #expect(await env.callee(room)?.attributes?["sip.callStatus"] == "active")
            events.close()
        }
    }

    @Test(
        "the callee declines, is busy or does not answer: the leg says why with the SIP status; refused fails, unanswered ends",
        arguments: [
            (FakeLiveKit.Callee.declines, 603, "failed", "carrier_rejected"), (.busy, 486, "failed", "carrier_rejected"),
            (.noAnswer, 480, "ended", "no_answer"),
        ])
    func notAnswered(callee: FakeLiveKit.Callee, sip: Int, state: String, reason: String) async throws {
        try await ClickToCallEnv.run { env in
            await env.fake.setCallee("+31612345678", callee)
            let (callID, _, events) = try await Self.placed(env)
            let update = try await Self.next(events, state: state)
            #expect(update["end_reason"] as? String == reason)
            try await eventually("the SIP status is recorded") { try await env.call(callID)["sip_status"] as? Int == sip }
            let call = try await env.call(callID)
            #expect(call["state"] as? String == state && call["end_reason"] as? String == reason)
            #expect(env.leg(call, "sip")?["sip_status"] as? Int == sip)
            #expect(env.leg(call, "sip")?["failure_reason"] is String)
            #expect(!(call["answered_at"] is String))
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
            try await eventually("the room is deleted") {
                await env.fake.requests("DeleteRoom").contains { (try? $0.decode(DeleteRoomRequest.self))?.room == room }
            }
            #expect(try await Self.next(events, state: "ended")["end_reason"] as? String == "hangup_by_user")
            #expect(try await env.api.get("/me/calls/active", token: env.user).items.isEmpty)
            #expect(try await env.api.get("\(w.a.base)/calls/active", token: w.a.adminToken).items.isEmpty)
            events.close()
        }
    }

    @Test("hanging up while the dial is still on its way: the callee it reaches afterwards is let go too")
    func hangupDuringDial() async throws {
        try await ClickToCallEnv.run { env in
            // The far end is still ringing when the user hangs up, and the first DeleteRoom fails
            // (LiveKit briefly away), so the room is still there when the far end picks up.
            await env.fake.setCallee("+31612345678", .rings)
            await env.fake.fail("DeleteRoom", with: .unavailable)
            let (callID, room, events) = try await Self.placed(env)
            try await eventually("the dial reached LiveKit") { await !env.fake.requests("CreateSIPParticipant").isEmpty }
            #expect(try await env.api.post("/me/calls/\(callID)/hangup", token: env.user, [:]).status == .noContent)
            try await eventually("LiveKit refused the first DeleteRoom") { await !env.fake.requests("DeleteRoom").isEmpty }
            await env.fake.answerCallee(room: room, identity: "sip_+31612345678")
            // The late answer of a call recorded as ended: the callee is taken out at once.
            try await eventually("the late dial was answered and its callee removed") {
                let removed = await env.fake.requests("RemoveParticipant").contains {
                    (try? $0.decode(RoomParticipantIdentity.self))?.identity == "sip_+31612345678"
                }
                let callee = await env.callee(room)
                return removed && callee == nil
            }
            // And the room goes once LiveKit is back (teardown is retried until it is done).
            try await eventually(timeout: .seconds(30), "the room is deleted") { await !env.fake.rooms.contains { $0.name == room } }
            #expect(await env.fake.requests("DeleteRoom").count >= 2)
            #expect(try await env.call(callID)["end_reason"] as? String == "hangup_by_user")
            events.close()
        }
    }
}
