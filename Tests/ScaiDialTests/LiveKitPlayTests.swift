import FluentKit
import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// Calls as LiveKit and livekit-sip play them, on the real application with a `ManualClock`: the
/// fake puts callers and callees in rooms, answers or refuses dials, fails RPCs, and sends its own
/// webhooks; the test moves time and runs the timers that came due. Each test is one thing
/// `livekit-wire.md` §4 says a webhook does not tell, or one fault a real deployment meets.
@Suite("Calls as LiveKit plays them: answers, failed forwards, REJECT, timeouts, teardown, faults")
struct LiveKitPlayTests {
    static func alice(_ h: CallHarness) -> UUID { UUID(uuidString: h.world.a.userID)! }

    /// A second user of tenant A, granted extension 101 (or `ext`).
    static func colleague(_ h: CallHarness, _ name: String, ext: String? = nil) async throws -> (id: UUID, token: String) {
        let w = h.world
        let id = try await h.api.post(
            "\(w.a.base)/users", token: w.a.adminToken, ["email": "\(name)@a.test", "password": "\(name)-password"]
        ).id
        _ = try await h.api.post("\(w.a.base)/extensions/\(ext ?? w.a.extensionID)/grants", token: w.a.adminToken, ["user_id": id])
        return (try #require(UUID(uuidString: id)), try await h.api.login("\(name)@a.test", "\(name)-password"))
    }

    static func forwardRule(_ h: CallHarness, ext: String? = nil, _ rule: [String: Any]) async throws {
        let w = h.world
        let r = try await h.api.post("\(w.a.base)/extensions/\(ext ?? w.a.extensionID)/forward-rules", token: w.a.adminToken, rule)
        #expect(r.status == .created, "\(r.text)")
        try await synced(h)
    }

    /// Extension 101 without its voicemail and without the fixture's `no_answer` → voicemail rule.
    static func noFallback(_ h: CallHarness) async throws {
        let w = h.world
        _ = try await h.api.patch("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken, ["voicemail_enabled": false])
        _ = try await h.api.delete("\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules/\(w.a.forwardRuleID)", token: w.a.adminToken)
    }

    /// A bot extension 900 for the `support-agent` agent, without voicemail; its id.
    static func botExtension(_ h: CallHarness, ringTimeoutS: Int) async throws -> String {
        let w = h.world
        return try await h.api.post(
            "\(w.a.base)/extensions", token: w.a.adminToken,
            [
                "number": "900", "name": "Assistant", "type": "bot", "target_ref": "support-agent", "voicemail_enabled": false,
                "ring_timeout_s": ringTimeoutS,
            ]
        ).id
    }

    static func requests(_ h: CallHarness, _ method: String) async -> Int { await h.fake.requests(method).count }

    /// Waits for `condition`, running the timers due meanwhile (a job still running when time was
    /// moved comes due only once its run has written its retry).
    static func until(_ h: CallHarness, _ what: String, _ condition: @escaping @Sendable () async throws -> Bool) async throws {
        try await eventually(what) {
            try await h.services.jobs.runDue()
            return try await condition()
        }
    }

    /// Waits until the trunk sync a configuration change started is done (a rule change resizes
    /// the inbound trunk's ringing_timeout), so calls meet LiveKit configured as it will stay.
    static func synced(_ h: CallHarness) async throws {
        try await eventually("the trunk is synced") {
            // The sync waits a moment to gather changes: time moves on for it.
            try await h.advance(.seconds(2))
            let pending = try await JobModel.query(on: h.db).filter(\.$kind == TrunkSyncHandler.kind).count()
            let state = try await h.api.get("\(h.world.a.base)/trunks/\(h.world.a.trunkID)", token: h.world.a.adminToken)
                .json["sync"].flatMap { ($0 as? [String: Any])?["state"] as? String }
            return pending == 0 && state == "synced"
        }
    }

    // MARK: - Answers

    @Test("a browser that joins but publishes no audio is no answer: after 10 s its leg fails, it hears no_audio, the others ring")
    func answerIsAudio() async throws {
        try await CallHarness.run { h in
            let bob = try await Self.colleague(h, "bob")
            let aliceHeard = h.listen(Self.alice(h))
            let bobHeard = h.listen(bob.id)
            let id = try await h.inbound("SCL_mute")
            #expect(try await h.api.post("/me/calls/\(id)/answer", token: h.world.a.userToken, [:]).status == .ok)
            let room = try await h.call(id).roomName
            let identity = JoinedCall.identity(of: Self.alice(h))
            // Alice's browser joins; her microphone was refused, so nothing is published.
            await h.fake.browserJoins(room: room, identity: identity)
            await h.fake.flush()
            try await h.advance(.seconds(9))
            #expect(try await h.call(id).answeredAt == nil)
            #expect(await h.fake.participants(in: room).first { $0.kind == .sip }?.attributes?["sip.callStatus"] == "ringing")
            try await h.advance(.seconds(2))
            let call = try await h.call(id)
            #expect(call.isLive && call.answeredBy == nil && call.answeredAt == nil)
            let leg = try #require(call.legs.first { $0.userID == Self.alice(h) })
            #expect(leg.state == .failed && leg.failureReason?.contains("no audio") == true)
            #expect(aliceHeard.all.contains { $0.name == "ring_cancelled" && $0.data.contains("no_audio") })
            // Bob is rung again and answers with his audio: livekit-sip answers the caller on it.
            #expect(bobHeard.names(for: id).filter { $0 == "ring" }.count == 2)
            try await eventually("Alice's silent browser is taken out") {
                await !h.fake.participants(in: room).contains { $0.identity == identity }
            }
            #expect(try await h.api.post("/me/calls/\(id)/answer", token: bob.token, [:]).status == .ok)
            await h.fake.browserJoins(room: room, identity: JoinedCall.identity(of: bob.id))
            await h.fake.publishAudio(room: room, identity: JoinedCall.identity(of: bob.id))
            await h.fake.flush()
            let answered = try await h.call(id)
            #expect(answered.state == .active && answered.answeredBy == bob.id && answered.answeredAt != nil)
        }
    }

    @Test("a user on a live call is busy: not rung; when every user is busy the extension's busy rule applies (its voicemail)")
    func busyUsersAreNotRung() async throws {
        try await CallHarness.run { h in
            let heard = h.listen(Self.alice(h))
            let first = try await h.inbound("SCL_busy1")
            #expect(try await h.api.post("/me/calls/\(first)/answer", token: h.world.a.userToken, [:]).status == .ok)
            let room = try await h.call(first).roomName
            let identity = JoinedCall.identity(of: Self.alice(h))
            await h.fake.browserJoins(room: room, identity: identity)
            await h.fake.publishAudio(room: room, identity: identity)
            await h.fake.flush()
            #expect(try await h.call(first).state == .active)

            let second = try await h.inbound("SCL_busy2", from: "+31687654321")
            #expect(!heard.names(for: second).contains("ring"))
            // Nobody free on 101, and no busy rule: its voicemail takes the caller at once.
            let call = try await h.call(second)
            #expect(call.voicemailLeg != nil)
            try await eventually("the greeting plays") { await Self.requests(h, "CreateIngress") == 1 }
        }
    }

    // MARK: - The hook door

    @Test("the hook door REJECTs a call its decision already ended, with the status livekit-sip should send")
    func rejectsEndedCalls() async throws {
        try await CallHarness.run { h in
            let w = h.world
            // Nobody online on 101 and no voicemail there: nothing can take the call.
            try await Self.noFallback(h)
            let reply = try await InboundDispatchTests.hook(h.api, InboundDispatchTests.body("SCL_nobody"))
            #expect(reply.json["result"] as? String == "REJECT", "\(reply.text)")
            #expect(reply.json["scaidial_sip_status"] as? Int == 480)
            #expect(reply.json["room_name"] as? String == nil)
            let id = try #require((reply.json["scaidial_call_id"] as? String).flatMap(UUID.init(uuidString:)))
            let call = try await h.call(id)
            #expect(!call.isLive)
            #expect(await h.fake.rooms.isEmpty)
        }
    }

    @Test("a forward waits for the caller to be in the room: nothing is dialled between ACCEPT and participant_joined")
    func forwardWaitsForCaller() async throws {
        try await CallHarness.run { h in
            try await Self.forwardRule(h, ["trigger": "always", "target_type": "number", "target": "+31611112222"])
            let id = try await h.inbound("SCL_always", joins: false)
            try await h.advance(.seconds(2))
            #expect(await Self.requests(h, "CreateSIPParticipant") == 0)
            let room = try await h.call(id).roomName
            await h.fake.sipInbound(room: room, from: "+31612345678", to: "+31201110001", callID: "SCL_always")
            await h.fake.flush()
            try await eventually("the forward is dialled") { await Self.requests(h, "CreateSIPParticipant") == 1 }
            try await eventually("the target answers and the call is active") { try await h.call(id).state == .active }
        }
    }

    @Test(
        "a caller who cancels between ACCEPT and the room: after 15 s the call ends caller_gone, the ringing stops, a late caller is let go"
    )
    func ghostCall() async throws {
        try await CallHarness.run(configure: { $0.callerArrivalTimeout = .seconds(15) }) { h in
            let heard = h.listen(Self.alice(h))
            let id = try await h.inbound("SCL_ghost", joins: false)
            #expect(heard.names(for: id).contains("ring"))
            try await h.advance(.seconds(14))
            #expect(try await h.call(id).isLive)
            try await h.advance(.seconds(2))
            let call = try await h.call(id)
            #expect(call.state == .ended && call.endReason == .callerGone)
            try await eventually("the ringing stopped") { heard.names(for: id).contains("ring_cancelled") }
            #expect(try await h.api.post("/me/calls/\(id)/answer", token: h.world.a.userToken, [:]).status == .conflict)
            // The caller turns up after all: it is let go, not left ringing in a room nobody joins.
            await h.fake.sipInbound(room: call.roomName, from: "+31612345678", to: "+31201110001", callID: "SCL_ghost")
            await h.fake.flush()
            try await eventually("the late caller is removed") { await h.fake.participants(in: call.roomName).isEmpty }
        }
    }

    @Test("a caller who arrives takes the call's arrival timer with it: no job is left to run 15 s later")
    func arrivalTimerCancelled() async throws {
        try await CallHarness.run(configure: { $0.callerArrivalTimeout = .seconds(15) }) { h in
            _ = h.listen(Self.alice(h))
            let timers: @Sendable () async throws -> Int = {
                try await JobModel.query(on: h.db).filter(\.$kind == CallTimers.callerArrival).count()
            }
            let ghost = try await h.inbound("SCL_timer_ghost", joins: false)
            #expect(try await timers() == 1)
            let id = try await h.inbound("SCL_timer_arrives", joins: true)
            try await eventually("the arrived caller's timer is gone") { try await timers() == 1 }
            let left = try #require(try await JobModel.query(on: h.db).filter(\.$kind == CallTimers.callerArrival).first())
            #expect(left.dedupeKey == CallTimers.dedupeKey(.callerArrival, ghost))
            #expect(try await h.call(id).isLive)
        }
    }

    @Test("the hook's ringing_timeout covers the whole ring chain, and max_call_duration is the tenant's")
    func ringingTimeoutCoversTheChain() async throws {
        try await CallHarness.run { h in
            let w = h.world
            _ = try await h.api.patch("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken, ["ring_timeout_s": 300])
            let backup = try await h.api.post(
                "\(w.a.base)/extensions", token: w.a.adminToken, ["number": "102", "name": "Backup", "ring_timeout_s": 240]
            ).id
            _ = try await h.api.delete(
                "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules/\(w.a.forwardRuleID)", token: w.a.adminToken)
            try await Self.forwardRule(h, ["trigger": "no_answer", "target_type": "extension", "target": backup])
            _ = try await h.api.patch(w.a.base, token: w.rootToken, ["policy": ["max_call_duration_s": 1800]])
            try await Self.synced(h)
            _ = h.listen(Self.alice(h))
            let reply = try await InboundDispatchTests.hook(h.api, InboundDispatchTests.body("SCL_chain"))
            #expect(reply.json["result"] as? String == "ACCEPT", "\(reply.text)")
            // 300 s on 101, then 240 s on 102, then its voicemail answers: 540 s plus the margin.
            #expect(reply.json["ringing_timeout"] as? String == "570s")
            #expect(reply.json["max_call_duration"] as? String == "1800s")
        }
    }

    // MARK: - Forwards

    @Test("a bridged forward nobody answers falls back to the forwarding extension's voicemail; the caller is never left in silence")
    func forwardFallsBackToVoicemail() async throws {
        try await CallHarness.run { h in
            try await Self.forwardRule(h, ["trigger": "always", "target_type": "number", "target": "+31611112222"])
            await h.fake.setCallee("+31611112222", .noAnswer)
            let id = try await h.inbound("SCL_fwd_vm")
            try await eventually("the greeting plays") { await Self.requests(h, "CreateIngress") == 1 }
            // The target's participant_left and the dial's answer (which alone carries the SIP
            // status) race, as they do in livekit-sip; whichever comes second completes the leg.
            try await eventually("the dial's status is on the leg") {
                try await h.call(id).legs.first { $0.destination == "+31611112222" }?.sipStatus != nil
            }
            let call = try await h.call(id)
            let forward = try #require(call.legs.first { $0.destination == "+31611112222" })
            // Nobody picked up: the leg ended (it was not refused), with the status and the reason.
            #expect(forward.state == .ended && forward.sipStatus == 480 && forward.failureReason != nil)
            #expect(call.isLive && call.voicemailLeg != nil && call.callerLeg?.state.isOpen == true)
            let dial = try #require(try await h.fake.requests("CreateSIPParticipant").first?.decode(CreateSIPParticipantRequest.self))
            #expect(dial.waitUntilAnswered == true && dial.ringingTimeout == .seconds(30))
        }
    }

    @Test("a bridged forward that is busy with no fallback: forward_failed, the caller let go and the room deleted")
    func forwardFailsForGood() async throws {
        try await CallHarness.run { h in
            let w = h.world
            try await Self.noFallback(h)
            try await Self.forwardRule(h, ["trigger": "always", "target_type": "number", "target": "+31611112222"])
            await h.fake.setCallee("+31611112222", .busy)
            let id = try await h.inbound("SCL_fwd_busy")
            // participant_left may end the call before the dial's answer brings the 486 (both race
            // in livekit-sip); the late answer still writes the status on the ended call.
            try await eventually("the call failed with the carrier's status") {
                let call = try await h.call(id)
                return !call.isLive && call.sipStatus != nil
            }
            let call = try await h.call(id)
            #expect(call.state == .failed && call.endReason == .forwardFailed && call.sipStatus == 486)
            try await eventually("the room is deleted") { await h.fake.rooms.isEmpty }
        }
    }

    @Test("a forward dial whose answer is lost (a restart): LiveKit is asked after the ring time, and the target is never dialled twice")
    func lostDialAnswer() async throws {
        try await CallHarness.run { h in
            try await Self.forwardRule(h, ["trigger": "always", "target_type": "number", "target": "+31611112222"])
            await h.fake.setCallee("+31611112222", .rings)
            let id = try await h.inbound("SCL_lost")
            try await eventually("the forward rings") { await Self.requests(h, "CreateSIPParticipant") == 1 }
            // LiveKit's participant_joined of the target is in (it set the timer that asks LiveKit later).
            try await eventually("the target's participant is in the room") {
                await h.fake.flush()
                return try await h.call(id).legs.first { $0.destination == "+31611112222" }?.joinedAt != nil
            }
            let room = try await h.call(id).roomName
            let target = try #require(try await h.call(id).legs.first { $0.destination == "+31611112222" }?.identity)
            // The target picks up, but the dial's answer never reaches ScaiDial (it is still blocked).
            await h.fake.setCallStatus(room: room, identity: target, "active")
            try await h.advance(.seconds(61))
            try await Self.until(h, "LiveKit was asked, and the forward counts as answered") { try await h.call(id).state == .active }
            #expect(await Self.requests(h, "GetParticipant") >= 1)
            // The run holding the dial is taken for dead when its lease runs out: it is settled, not redialled.
            try await h.advance(.seconds(121))
            #expect(await Self.requests(h, "CreateSIPParticipant") == 1)
            #expect(try await h.call(id).state == .active)
            await h.fake.abandonDials()
        }
    }

    // MARK: - Bots

    @Test("a forward rule to a bot extension dispatches its agent; an agent that never comes is no_answer within the ring time")
    func forwardToBot() async throws {
        try await CallHarness.run { h in
            let bot = try await Self.botExtension(h, ringTimeoutS: 20)
            try await Self.forwardRule(h, ["trigger": "always", "target_type": "extension", "target": bot])
            let id = try await h.inbound("SCL_bot")
            try await eventually("the agent is dispatched") { await Self.requests(h, "CreateDispatch") == 1 }
            let dispatch = try #require(try await h.fake.requests("CreateDispatch").first?.decode(CreateAgentDispatchRequest.self))
            #expect(dispatch.agentName == "support-agent")
            try await h.advance(.seconds(19))
            #expect(try await h.call(id).isLive)
            try await h.advance(.seconds(2))
            let call = try await h.call(id)
            #expect(!call.isLive && call.endReason == .noAnswer)
            try await eventually("the caller is let go") { await h.fake.participants(in: call.roomName).isEmpty }
        }
    }

    // MARK: - Webhooks and teardown

    @Test("a webhook delivered again under the same id before its work ran starts nothing twice")
    func webhookExactlyOnce() async throws {
        try await CallHarness.run(configure: { $0.jobWakeups = false }) { h in
            let w = h.world
            let r = try await h.api.patch(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules/\(w.a.ruleID)", token: w.a.adminToken,
                ["action": ["type": "voicemail", "extension_id": w.a.extensionID]])
            #expect(r.status == .ok, "\(r.text)")
            try await Self.synced(h)
            let id = try await h.inbound("SCL_twice")
            let joined = try #require(await h.fake.sentEvents.first { $0.event == "participant_joined" })
            let body = try ProtoJSON.encode(joined, keys: .camelCase)
            let authorization = try WebhookSigner(apiKey: h.lk.apiKey, apiSecret: h.lk.apiSecret).authorization(for: Array(body))
            let again = try await h.api.call(
                .post, "/livekit/webhook", raw: String(decoding: body, as: UTF8.self), headers: [.authorization: authorization])
            #expect(again.status == .ok || again.status == .noContent, "\(again.text)")
            try await h.services.jobs.runDue()
            #expect(await Self.requests(h, "CreateIngress") == 1)
            #expect(try await h.call(id).legs.filter { $0.kind == .voicemail }.count == 1)
        }
    }

    @Test("teardown never gives up: a DeleteRoom LiveKit refuses three times is retried until the room is gone")
    func teardownRetries() async throws {
        try await CallHarness.run { h in
            _ = h.listen(Self.alice(h))
            let id = try await h.inbound("SCL_teardown")
            #expect(try await h.api.post("/me/calls/\(id)/answer", token: h.world.a.userToken, [:]).status == .ok)
            let room = try await h.call(id).roomName
            await h.fake.fail("DeleteRoom", with: .unavailable, times: 3)
            #expect(try await h.api.post("/me/calls/\(id)/hangup", token: h.world.a.userToken, [:]).status == .noContent)
            try await eventually("LiveKit was asked once") { await Self.requests(h, "DeleteRoom") == 1 }
            #expect(await h.fake.rooms.contains { $0.name == room })
            for step in 1...3 {
                try await h.advance(.seconds(5 * 1 << step))
                try await Self.until(h, "attempt \(step + 1)") { await Self.requests(h, "DeleteRoom") == step + 1 }
            }
            #expect(await !h.fake.rooms.contains { $0.name == room })
            #expect(try await h.call(id).endReason == .hangupByUser)
        }
    }

    @Test("a room LiveKit would not delete is found by the sweeper: an ended call whose room still holds the caller is taken down again")
    func sweeperTakesDownLeftovers() async throws {
        try await CallHarness.run { h in
            _ = h.listen(Self.alice(h))
            let id = try await h.inbound("SCL_leftover")
            #expect(try await h.api.post("/me/calls/\(id)/answer", token: h.world.a.userToken, [:]).status == .ok)
            let room = try await h.call(id).roomName
            // LiveKit refuses the teardown with an error that is not worth retrying.
            await h.fake.fail("DeleteRoom", with: .status(400, code: "invalid_argument", message: "room is busy"))
            #expect(try await h.api.post("/me/calls/\(id)/hangup", token: h.world.a.userToken, [:]).status == .noContent)
            try await eventually("LiveKit refused once") { await Self.requests(h, "DeleteRoom") == 1 }
            #expect(await !h.fake.participants(in: room).isEmpty)
            let liveKit = try #require(h.services.liveKit)
            let sweeper = CallSweeper(
                persistence: h.services.persistence, engine: h.engine, liveKit: liveKit, interval: .seconds(60), grace: 60,
                logger: h.services.logger)
            try await sweeper.sweep()
            try await Self.until(h, "the room is taken down again") { await !h.fake.rooms.contains { $0.name == room } }
            #expect(await Self.requests(h, "DeleteRoom") == 2)
            #expect(try await h.call(id).endReason == .hangupByUser)
        }
    }

    @Test(
        "a refer forward LiveKit cannot transfer (unavailable three times) fails livekit_error after three attempts, the chime taken down")
    func referFaults() async throws {
        try await CallHarness.run(configure: {
            $0.referPollInterval = .milliseconds(10)
            $0.referAnswerTimeout = .seconds(3600)
        }) { h in
            let w = h.world
            let r = try await h.api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "action": ["type": "forward", "target": "+31611112222", "mode": "refer"]])
            #expect(r.status == .created, "\(r.text)")
            try await Self.synced(h)
            await h.fake.fail("TransferSIPParticipant", with: .unavailable, times: 3)
            let id = try await h.inbound("SCL_refer_down")
            // The refer job polls on the app's clock, and LiveKit's refusals are retried after 5 s and
            // 10 s: time moves a second at a time until the call is over.
            try await eventually("the call failed") {
                try await h.advance(.seconds(1))
                return try await !h.call(id).isLive
            }
            #expect(await Self.requests(h, "TransferSIPParticipant") == 3)
            let call = try await h.call(id)
            #expect(call.state == .failed && call.endReason == .liveKitError)
            try await eventually("the chime is taken down") { await h.fake.ingresses.isEmpty }
        }
    }

    // MARK: - Faults

    @Test("LiveKit failing the agent dispatch three times: the call fails livekit_error with the reason, the caller is let go")
    func dispatchFaults() async throws {
        try await CallHarness.run { h in
            let w = h.world
            // A ring time longer than the three attempts take.
            let bot = try await Self.botExtension(h, ringTimeoutS: 120)
            let r = try await h.api.patch(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules/\(w.a.ruleID)", token: w.a.adminToken,
                ["action": ["type": "ring_extension", "extension_id": bot]])
            #expect(r.status == .ok, "\(r.text)")
            try await Self.synced(h)
            await h.fake.fail("CreateDispatch", with: .status(500, code: "internal", message: "agent service down"), times: 3)
            let id = try await h.inbound("SCL_dispatch")
            try await eventually("the first attempt") { await Self.requests(h, "CreateDispatch") == 1 }
            for step in 1...2 {
                try await h.advance(.seconds(5 * 1 << step))
                try await Self.until(h, "attempt \(step + 1)") { await Self.requests(h, "CreateDispatch") == step + 1 }
            }
            try await eventually("the call failed") { try await !h.call(id).isLive }
            let call = try await h.call(id)
            #expect(call.state == .failed && call.endReason == .liveKitError)
            #expect(call.legs.first { $0.kind == .bot }?.failureReason?.contains("agent service down") == true)
            try await eventually("the room is deleted") { await h.fake.rooms.isEmpty }
        }
    }

    /// The dialplan sends every call to 101's voicemail.
    static func toVoicemail(_ h: CallHarness) async throws {
        let w = h.world
        let r = try await h.api.patch(
            "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules/\(w.a.ruleID)", token: w.a.adminToken,
            ["action": ["type": "voicemail", "extension_id": w.a.extensionID]])
        #expect(r.status == .ok, "\(r.text)")
        try await synced(h)
    }

    /// `method` fails three times as `fault`: three attempts, 5 s then 10 s apart, then the call fails.
    static func failsThrice(_ h: CallHarness, _ method: String, call id: UUID) async throws -> Call {
        try await eventually("the first attempt") { await requests(h, method) == 1 }
        for step in 1...2 {
            try await h.advance(.seconds(5 * 1 << step))
            try await until(h, "attempt \(step + 1)") { await requests(h, method) == step + 1 }
        }
        try await until(h, "the call is over") { try await !h.call(id).isLive }
        try await until(h, "the caller is let go") { await h.fake.rooms.isEmpty }
        return try await h.call(id)
    }

    @Test("LiveKit failing the greeting's Ingress three times: voicemail_failed with the reason, the caller let go")
    func greetingFaults() async throws {
        try await CallHarness.run { h in
            try await Self.toVoicemail(h)
            await h.fake.fail("CreateIngress", with: .unavailable, times: 3)
            let id = try await h.inbound("SCL_no_greeting")
            let call = try await Self.failsThrice(h, "CreateIngress", call: id)
            #expect(call.state == .failed && call.endReason == .voicemailFailed)
            #expect(call.voicemailLeg?.state == .failed && call.voicemailLeg?.failureReason?.contains("greeting") == true)
            #expect(try await VoicemailMessageModel.query(on: h.db).count() == 0)
        }
    }

    @Test("LiveKit failing the recording's Egress three times: voicemail_failed, the greeting taken down, the caller let go")
    func recordingFaults() async throws {
        try await CallHarness.run { h in
            try await Self.toVoicemail(h)
            await h.fake.fail("StartParticipantEgress", with: .status(503, code: "unavailable", message: "no egress worker"), times: 3)
            let id = try await h.inbound("SCL_no_recording")
            let call = try await Self.failsThrice(h, "StartParticipantEgress", call: id)
            #expect(call.state == .failed && call.endReason == .voicemailFailed)
            #expect(call.voicemailLeg?.failureReason?.contains("recording could not start") == true)
            try await Self.until(h, "the greeting is taken down") { await h.fake.ingresses.isEmpty }
        }
    }
}
