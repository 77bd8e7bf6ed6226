import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Testing

@testable import ScaiDial

/// Ringing browsers over real HTTP: event streams, answer races, declines, timeouts, hang-ups.
@Suite("Ringing wave extensions")
struct RingingTests {
    struct Env {
        let api: API
        let port: Int
        let world: World
        let fake: FakeLiveKit
        let lk: LiveKitCredentials
        /// A second user of tenant A, also granted extension 101.
        let otherToken: String
        let services: AppServices
        /// Time for the timers (ring timeouts, the rejoin grace): moved by the test, never waited for.
        let clock: ManualClock

        /// Moves time on and runs the timers that came due.
        func advance(_ duration: Duration) async throws {
            clock.advance(by: duration)
            try await services.jobs.runDue()
        }

        func call(_ id: String, from: String = "+31612345678") async throws -> Reply {
            try await InboundDispatchTests.hook(api, InboundDispatchTests.body(id, from: from))
        }

        func calls() async throws -> [[String: Any]] {
            try await api.get("\(world.a.base)/calls", token: world.a.adminToken).items
        }

        var hooks: WebhookDoorTests.Env {
            WebhookDoorTests.Env(api: api, world: world, fake: fake, key: lk.apiKey, secret: lk.apiSecret, services: services)
        }

        /// livekit-sip puts the caller the hook door accepted into its room (ringing, its track
        /// published); from then on the fake's own webhooks tell the application what happens.
        @discardableResult
        func callerJoins(_ decision: Reply, callID: String, from: String = "+31612345678") async throws -> (room: String, identity: String)
        {
            await hooks.liveKitSendsWebhooks()
            let room = try #require(decision.json["room_name"] as? String)
            let identity = decision.json["participant_identity"] as? String ?? "sip_\(from)"
            await fake.sipInbound(room: room, from: from, to: "+31201110001", callID: callID, identity: identity)
            await fake.flush()
            return (room, identity)
        }

        /// Event streams for the user and their colleague (both granted 101), past `ready`.
        func bothListening() async throws -> (mine: SSEStream, theirs: SSEStream) {
            let mine = try await SSEStream.open(port: port, token: world.a.userToken)
            let theirs = try await SSEStream.open(port: port, token: otherToken)
            _ = try await mine.next()
            _ = try await theirs.next()
            return (mine, theirs)
        }

        /// The SIP caller's `sip.callStatus` at the fake (livekit-sip's view of it).
        func callerStatus(_ room: String, _ identity: String) async -> String? {
            await fake.participants(in: room).first { $0.identity == identity }?.attributes?["sip.callStatus"]
        }
    }

    func run(
        ringTimeout: Int = 30, configure: (inout AppConfig) -> Void = { _ in }, _ body: @escaping @Sendable (Env) async throws -> Void
    ) async throws {
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        let clock = ManualClock(now: Date())
        try await withAppServices(
            live: true,
            configure: {
                $0.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
                $0.sipInboundSecret = InboundDispatchTests.secret
                $0.clock = clock
                $0.jobPollInterval = .seconds(3600)
                configure(&$0)
            }
        ) { api, _, services in
            let w = try await World.build(api)
            let other = try await api.post(
                "\(w.a.base)/users", token: w.a.adminToken, ["email": "other@a.test", "password": "other-password"]
            ).id
            _ = try await api.post("\(w.a.base)/extensions/\(w.a.extensionID)/grants", token: w.a.adminToken, ["user_id": other])
            _ = try await api.patch("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken, ["ring_timeout_s": ringTimeout])
            let otherToken = try await api.login("other@a.test", "other-password")
            let port = try #require(api.client.port)
            try await body(
                Env(api: api, port: port, world: w, fake: fake, lk: lk, otherToken: otherToken, services: services, clock: clock))
        }
        await fake.stop()
    }

    @Test("an inbound call rings every online browser of every granted user; the first answer wins")
    func ringAndAnswer() async throws {
        try await run { env in
            let mine = try await SSEStream.open(port: env.port, token: env.world.a.userToken)
            let theirs = try await SSEStream.open(port: env.port, token: env.otherToken)
            #expect(try await mine.next().name == "ready")
            #expect(try await theirs.next().name == "ready")
            let decision = try await env.call("SCL_ring")
            let callID = try #require(decision.json["scaidial_call_id"] as? String)
            let ring = try await mine.next("ring")
            #expect(ring.json["call_id"] as? String == callID)
            #expect(ring.json["from"] as? String == "+31612345678")
            #expect(ring.json["extension_number"] as? String == "101")
            #expect(try await theirs.next("ring").json["call_id"] as? String == callID)

            let answer = try await env.api.post("/me/calls/\(callID)/answer", token: env.world.a.userToken, [:])
            #expect(answer.status == .ok, "\(answer.text)")
            #expect(answer.json["room_name"] as? String == decision.json["room_name"] as? String)
            #expect((answer.json["livekit_url"] as? String)?.hasPrefix("ws://") == true)
            let claims = try TokenVerifier(apiKey: env.lk.apiKey, apiSecret: env.lk.apiSecret).verify(answer.json["token"] as? String ?? "")
            #expect(claims.video?.roomJoin == true && claims.video?.room == decision.json["room_name"] as? String)
            #expect(claims.video?.canPublish == true)
            // The other user's answer loses and its browser stops ringing.
            #expect(try await env.api.post("/me/calls/\(callID)/answer", token: env.otherToken, [:]).status == .conflict)
            #expect(try await theirs.next("ring_cancelled").json["reason"] as? String == "answered")
            // The browser joins the room: not yet the answer (livekit-sip answers the caller on audio).
            let identity = try #require(claims.sub)
            let (room, caller) = try await env.callerJoins(decision, callID: "SCL_ring")
            await env.fake.browserJoins(room: room, identity: identity)
            await env.fake.flush()
            #expect(try await env.calls().first?["state"] as? String == "ringing")
            #expect(await env.callerStatus(room, caller) == "ringing")
            // Its microphone's track is published: the caller is answered, the call active, the wave leg answered.
            await env.fake.publishAudio(room: room, identity: identity)
            await env.fake.flush()
            #expect(await env.callerStatus(room, caller) == "active")
            let call = try #require(try await env.calls().first)
            #expect(call["state"] as? String == "active")
            #expect(call["answered_at"] is String)
            let update = try await ClickToCallLifecycleTests.next(mine, state: "active")
            #expect(update["call_id"] as? String == callID)
            let legs = call["legs"] as? [[String: Any]] ?? []
            #expect(legs.contains { $0["kind"] as? String == "wave" && $0["state"] as? String == "answered" })
            // Hang-up from the browser deletes the room and ends the call.
            #expect(try await env.api.post("/me/calls/\(callID)/hangup", token: env.world.a.userToken, [:]).status == .noContent)
            #expect(try await env.calls().first?["end_reason"] as? String == "hangup_by_user")
            let ended = try await ClickToCallLifecycleTests.next(mine, state: "ended")
            #expect(ended["end_reason"] as? String == "hangup_by_user")
            try await env.advance(.zero)
            #expect(await env.fake.requests("DeleteRoom").count == 1)
            #expect(await env.fake.participants(in: room).isEmpty)
            try await FakeOracle.writeWebhooks(of: env.fake, tag: "app-ringing")
            mine.close()
            theirs.close()
        }
    }

    @Test(
        "the answering browser leaves: back within the grace period the call goes on; gone, the call ends and the caller is let go"
    )
    func answererLeaves() async throws {
        try await run(configure: { $0.rejoinGrace = .seconds(10) }) { env in
            let mine = try await SSEStream.open(port: env.port, token: env.world.a.userToken)
            _ = try await mine.next()
            let decision = try await env.call("SCL_leave")
            let callID = try #require(decision.json["scaidial_call_id"] as? String)
            let room = try #require(decision.json["room_name"] as? String)
            _ = try await mine.next("ring")
            let answer = try await env.api.post("/me/calls/\(callID)/answer", token: env.world.a.userToken, [:])
            let claims = try TokenVerifier(apiKey: env.lk.apiKey, apiSecret: env.lk.apiSecret).verify(answer.json["token"] as? String ?? "")
            let identity = try #require(claims.sub)
            let (_, caller) = try await env.callerJoins(decision, callID: "SCL_leave")
            await env.fake.browserJoins(room: room, identity: identity)
            await env.fake.publishAudio(room: room, identity: identity)
            await env.fake.flush()
            #expect(try await env.calls().first?["state"] as? String == "active")
            #expect(await env.callerStatus(room, caller) == "active")

            // The user opened the call in a second tab: LiveKit drops the first session as a duplicate.
            await env.fake.browserJoins(room: room, identity: identity)
            await env.fake.flush()
            #expect(
                await env.fake.sentEvents.contains {
                    $0.event == "participant_left" && $0.participant?.disconnectReason == .duplicateIdentity
                })
            #expect(try await env.calls().first?["state"] as? String == "active")

            // A reload: the browser leaves and is back (LiveKit has it in the room) before the grace period ends.
            await env.fake.dropParticipant(room: room, identity: identity)
            await env.fake.browserJoins(room: room, identity: identity)
            await env.fake.flush()
            #expect(try await env.calls().first?["state"] as? String == "active")
            let rejoined = try await env.api.post("/me/calls/\(callID)/rejoin", token: env.world.a.userToken, [:])
            #expect(rejoined.status == .ok)
            let again = try TokenVerifier(apiKey: env.lk.apiKey, apiSecret: env.lk.apiSecret).verify(
                rejoined.json["token"] as? String ?? "")
            #expect(again.sub == identity && again.video?.room == room && again.video?.roomJoin == true)
            #expect(try await env.api.post("/me/calls/\(callID)/rejoin", token: env.otherToken, [:]).status == .notFound)
            // Its joining again (the webhook) called off the wait: nothing ends after the grace period.
            try await env.advance(.seconds(11))
            let still = try #require(try await env.calls().first)
            #expect(still["state"] as? String == "active")
            #expect(
                (still["legs"] as? [[String: Any]])?.contains { $0["kind"] as? String == "wave" && $0["state"] as? String == "answered" }
                    == true)
            #expect(await env.fake.requests("DeleteRoom").isEmpty)

            // The tab is closed for good: after the grace period the call ends as the user's hang-up,
            // and the room goes with the caller.
            await env.fake.dropParticipant(room: room, identity: identity)
            await env.fake.flush()
            try await env.advance(.seconds(11))
            #expect(try await env.calls().first?["state"] as? String == "ended")
            #expect(try await env.calls().first?["end_reason"] as? String == "hangup_by_user")
            try await env.advance(.zero)
            #expect(await env.fake.requests("DeleteRoom").compactMap { try? $0.decode(DeleteRoomRequest.self).room } == [room])
            #expect(await env.fake.participants(in: room).isEmpty)  // the caller went with the room
            // The browser heard the call go on (active after each event), then end.
            var states: [String] = []
            while states.last != "ended" && states.count < 10 {
                states.append(try await mine.next("call_updated").json["state"] as? String ?? "")
            }
            // (ringing while the caller and the browser came in; active from the answer on, to the end)
            let afterAnswer = states.drop { $0 != "active" }
            #expect(states.last == "ended" && afterAnswer.count >= 2 && afterAnswer.dropLast().allSatisfy { $0 == "active" }, "\(states)")
            #expect(try await env.api.post("/me/calls/\(callID)/rejoin", token: env.world.a.userToken, [:]).status == .conflict)
            mine.close()
        }
    }

    @Test("concurrent answers: exactly one wins")
    func answerRace() async throws {
        try await run { env in
            let stream = try await SSEStream.open(port: env.port, token: env.world.a.userToken)
            _ = try await stream.next()
            let callID = try #require(try await env.call("SCL_race").json["scaidial_call_id"] as? String)
            _ = try await stream.next("ring")
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for i in 0..<10 {
                    let token = i % 2 == 0 ? env.world.a.userToken : env.otherToken
                    group.addTask { try await env.api.post("/me/calls/\(callID)/answer", token: token, [:]).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 9)
            stream.close()
        }
    }

    @Test("nobody online: the call goes straight to the extension's voicemail")
    func nobodyOnline() async throws {
        try await run { env in
            _ = try await env.call("SCL_empty")
            let call = try #require(try await env.calls().first)
            #expect(call["action"] as? String == "voicemail")
            #expect((call["legs"] as? [[String: Any]])?.map { $0["kind"] as? String } == ["sip", "voicemail"])
        }
    }

    @Test("everyone declines: the busy forward rule decides")
    func allDecline() async throws {
        try await run { env in
            let w = env.world
            _ = try await env.api.post(
                "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules", token: w.a.adminToken,
                ["trigger": "busy", "target_type": "voicemail"])
            let a = try await SSEStream.open(port: env.port, token: w.a.userToken)
            let b = try await SSEStream.open(port: env.port, token: env.otherToken)
            _ = try await a.next()
            _ = try await b.next()
            let callID = try #require(try await env.call("SCL_busy").json["scaidial_call_id"] as? String)
            _ = try await a.next("ring")
            #expect(try await env.api.post("/me/calls/\(callID)/decline", token: w.a.userToken, [:]).status == .noContent)
            #expect(try await a.next("ring_cancelled").json["reason"] as? String == "declined")
            #expect(try await env.calls().first?["action"] as? String == "ring_extension")
            #expect(try await env.api.post("/me/calls/\(callID)/decline", token: env.otherToken, [:]).status == .noContent)
            #expect(try await env.calls().first?["action"] as? String == "voicemail")
            a.close()
            b.close()
        }
    }

    @Test("no answer within the ring timeout: ringing stops and the no_answer rule forwards to another extension")
    func timeout() async throws {
        try await run(ringTimeout: 5) { env in
            let w = env.world
            let desk = try await env.api.post("\(w.a.base)/extensions", token: w.a.adminToken, ["number": "102", "name": "Backup"]).id
            _ = try await env.api.post("\(w.a.base)/extensions/\(desk)/grants", token: w.a.adminToken, ["user_id": w.a.userID])
            _ = try await env.api.patch(
                "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules/\(w.a.forwardRuleID)", token: w.a.adminToken,
                ["target_type": "extension", "target": desk])
            let stream = try await SSEStream.open(port: env.port, token: w.a.userToken)
            _ = try await stream.next()
            let callID = try #require(try await env.call("SCL_timeout").json["scaidial_call_id"] as? String)
            #expect(try await stream.next("ring").json["extension_number"] as? String == "101")
            try await env.advance(.seconds(4))
            #expect(try await env.calls().first?["hops"] as? Int == 0)  // not yet
            try await env.advance(.seconds(1))
            #expect(try await stream.next("ring_cancelled").json["reason"] as? String == "timeout")
            let next = try await stream.next("ring")
            #expect(next.json["call_id"] as? String == callID && next.json["extension_number"] as? String == "102")
            #expect(try await env.calls().first?["hops"] as? Int == 1)
            stream.close()
        }
    }

    @Test("a caller who hangs up while ringing cancels the ring everywhere")
    func callerGivesUp() async throws {
        try await run { env in
            let stream = try await SSEStream.open(port: env.port, token: env.world.a.userToken)
            _ = try await stream.next()
            let decision = try await env.call("SCL_gone")
            _ = try await stream.next("ring")
            let (room, caller) = try await env.callerJoins(decision, callID: "SCL_gone")
            await env.fake.callerHangsUp(room: room, identity: caller)
            #expect(try await stream.next("ring_cancelled").json["reason"] as? String == "caller_hangup")
            let callID = decision.json["scaidial_call_id"] as? String ?? ""
            #expect(try await env.api.post("/me/calls/\(callID)/answer", token: env.world.a.userToken, [:]).status == .conflict)
            stream.close()
        }
    }

    @Test("other tenants' users never see the ring and cannot answer")
    func isolation() async throws {
        try await run { env in
            let mine = try await SSEStream.open(port: env.port, token: env.world.a.userToken)
            let foreign = try await SSEStream.open(port: env.port, token: env.world.b.userToken)
            _ = try await mine.next()
            _ = try await foreign.next()
            let callID = try #require(try await env.call("SCL_iso").json["scaidial_call_id"] as? String)
            _ = try await mine.next("ring")
            await #expect(throws: TestFailure.self) { _ = try await foreign.next("ring", timeout: .milliseconds(500)) }
            #expect(try await env.api.post("/me/calls/\(callID)/answer", token: env.world.b.userToken, [:]).status == .notFound)
            mine.close()
            foreign.close()
        }
    }
}

/// Issue 15 item 2: the ring work at the hook door is part of the batch that writes the calls.
@Suite("Ringing starts in the inbound batch")
struct BatchRingingTests {
    @Test("a batch of calls to a wave extension: written ringing in the batch, the extension read once, every browser rung")
    func batchRings() async throws {
        try await RingingTests().run { env in
            let mine = try await SSEStream.open(port: env.port, token: env.world.a.userToken)
            #expect(try await mine.next().name == "ready")
            let ids = (0..<5).map { "SCL_batch\($0)" }
            let answers = try await env.services.dispatcher.decideCompiled(ids.map { InboundBatchTests.call($0) })
            var callIDs: [String] = []
            for answer in answers {
                guard case .accept(let id, _, _, let action, let ringing, _) = try answer.get() else {
                    Issue.record("refused: \(answer)")
                    continue
                }
                #expect(action == "ring_extension" && ringing >= InboundDispatcher.ringingTimeoutS)
                callIDs.append(id.uuidString)
            }
            // Ringing when the batch answers: nothing else ran the machine for them.
            let calls = try await env.calls()
            #expect(calls.count == 5 && calls.allSatisfy { $0["state"] as? String == "ringing" })
            var rung: Set<String> = []
            for _ in 0..<5 { rung.insert(try await mine.next("ring").json["call_id"] as? String ?? "") }
            #expect(rung == Set(callIDs))
            let metrics = try await env.api.get("/metrics", token: nil).text
            #expect(
                metrics.contains("scaidial_inbound_ring_lookups_total{} 1"),
                "\(metrics.split(separator: "\n").filter { $0.contains("ring_lookups") })")
            // Their ring timeouts were written with them: nobody answers, voicemail takes every call.
            try await env.advance(.seconds(31))
            let after = try await env.calls()
            #expect(after.allSatisfy { $0["action"] as? String == "voicemail" }, "\(after.map { $0["action"] ?? "-" })")
            mine.close()
        }
    }

    @Test("a call the ring start ends at once (nobody online, no voicemail) is refused in its batch and frees its line")
    func endsAtOnce() async throws {
        try await RingingTests().run { env in
            let w = env.world
            _ = try await env.api.delete(
                "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules/\(w.a.forwardRuleID)", token: w.a.adminToken)
            _ = try await env.api.patch("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken, ["voicemail_enabled": false])
            let answers = try await env.services.dispatcher.decideCompiled([
                InboundBatchTests.call("SCL_none1"), InboundBatchTests.call("SCL_none2"),
            ])
            for answer in answers {
                guard case .reject(let id, let status, let reason) = try answer.get() else {
                    Issue.record("accepted: \(answer)")
                    continue
                }
                #expect(id != nil && status == 480 && reason == "no_answer", "\(status) \(reason)")
            }
            #expect(try await env.calls().allSatisfy { $0["state"] as? String == "ended" || $0["state"] as? String == "failed" })
            #expect(try await LiveCallCounterTests.counters(env.services)[w.a.id.lowercased(), default: 0] == 0)
            // The hook door answers the same.
            let reply = try await env.call("SCL_none3")
            #expect(reply.json["result"] as? String == "REJECT" && reply.json["scaidial_sip_status"] as? Int == 480)
        }
    }
}
