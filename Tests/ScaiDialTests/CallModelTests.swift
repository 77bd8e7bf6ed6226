import FluentKit
import Foundation
import Hummingbird
import HummingbirdTesting
import LiveKit
import LiveKitFake
import Logging
import Testing

@testable import ScaiDial

/// A model-based test of the call engine: a seeded generator plays many calls at once with random
/// interleavings of what LiveKit, users and time can do, on the real application and database, and
/// checks the invariants after every step. What LiveKit does is the fake's, played as livekit-sip
/// and livekit-server do (callers that ring until audio answers them, dials whose far end answers,
/// is busy or does not pick up, webhooks in each room's order and delivered again); users answer
/// (several at once), publish audio or not, decline, reload, hang up; time passes; the server
/// restarts. Jobs run in order after each step, so a seed replays the same run:
/// `SCAIDIAL_MODEL_SEED` replays a run; `SCAIDIAL_MODEL_STEPS` sets its length.
@Suite("Calls under random interleavings (model-based)")
struct CallModelTests {
    /// What the generator knows of one call (it is the test's model of the world, not of the answer).
    struct Tracked {
        let id: UUID
        let lkCallID: String
        let room: String
        /// The caller's identity in the room (the hook door's answer).
        let caller: String
        var callerJoined = false
        var callerLeft = false
        var browserJoined = false
    }

    /// What the invariants remember between steps.
    struct Seen {
        /// How each call looked when it was first seen over.
        var over: [UUID: (CallState, EndReason?, Date?, Date?)] = [:]
        /// Who answered each call (whose audio connected it), once known.
        var answeredBy: [UUID: UUID] = [:]
        /// The version each call had at the last check: only changed calls have their legs read again.
        var versions: [UUID: Int] = [:]
        /// Calls live at the last check (the generator mostly picks these).
        var live: Set<UUID> = []
    }

    static let limit = 4

    @Test("random calls, events, answers, time and restarts keep every invariant")
    func invariants() async throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["SCAIDIAL_MODEL_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max / 2)
        let steps = env["SCAIDIAL_MODEL_STEPS"].flatMap(Int.init) ?? 1200
        print("call model: seed \(seed), \(steps) steps on \(TestDatabase.kindName) (replay with SCAIDIAL_MODEL_SEED=\(seed))")
        var rng = SplitMix(seed: seed)
        let fake = FakeLiveKit()
        let lk = try await fake.start()
        let clock = ManualClock(now: Date())
        let database = try await TestDatabase.make()
        var config = database.config()
        config.liveKit = LiveKitSettings(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
        config.sipInboundSecret = InboundDispatchTests.secret
        config.clock = clock
        config.jobPollInterval = .seconds(3600)
        config.sweepInterval = .seconds(3600)
        // Every job runs in order when the generator lets it (`settle`), never on its own.
        config.jobWakeups = false
        var logger = Logger(label: "model")
        logger.logLevel = .critical
        _ = try await Admin.createPlatformAdmin(config, email: "root@platform.test", password: "root-password", displayName: "Root")

        var run = Run(rng: SplitMix(seed: seed))
        let lives = 3
        do {
            for life in 0..<lives {
                let (app, services) = try await buildApplicationAndServices(config, logger: logger)
                let before = run
                run = try await app.test(.router) { client in
                    var r = before
                    let api = API(client: client)
                    if r.world == nil {
                        let w = try await World.build(api)
                        r.users = try await Self.setUp(api, w)
                        r.world = w
                    }
                    guard let w = r.world else { return r }
                    let h = CallHarness(api: api, services: services, fake: fake, lk: lk, clock: clock, world: w, database: database)
                    // LiveKit's webhooks reach this life's server.
                    await fake.deliverWebhooks { body, authorization in
                        _ = try? await api.call(
                            .post, "/livekit/webhook", raw: String(decoding: body, as: UTF8.self), headers: [.authorization: authorization])
                    }
                    // The first two users have the softphone open; the third is granted but offline.
                    for user in r.users.prefix(2) {
                        let log = r.logs[user.id] ?? EventLog()
                        r.logs[user.id] = log
                        let (_, stream) = services.hub.subscribe(user: user.id)
                        Task { for await event in stream { log.append(event) } }
                    }
                    let end = life == lives - 1 ? steps : steps * (life + 1) / lives
                    while r.step < end {
                        r.step += 1
                        do {
                            try await Self.step(h, &r)
                            try await Self.settle(h)
                            try await Self.check(h, &r.seen)
                        } catch {
                            throw TestFailure("seed \(seed), step \(r.step): \(error)")
                        }
                    }
                    if life == lives - 1 {
                        // Everyone hangs up; what is left of time passes.
                        for i in r.tracked.indices { try await Self.finish(h, &r.tracked[i]) }
                        try await Self.settle(h)
                        try await h.advance(.seconds(600))
                        try await Self.settle(h)
                        try await Self.check(h, &r.seen)
                        try await Self.checkEnd(h, logs: r.logs, tracked: r.tracked, seed: seed)
                    }
                    // What LiveKit still had to say reaches this life before it ends.
                    await fake.flush()
                    return r
                }
            }
        } catch {
            try? await database.drop()
            await fake.stop()
            throw error
        }
        try await database.drop()
        await fake.stop()
        #expect(run.step == steps)
    }

    /// Everything the generator and the invariants carry from one step (and one life) to the next.
    struct Run: Sendable {
        var rng: SplitMix
        var world: World?
        var users: [User] = []
        var tracked: [Tracked] = []
        var seen = Seen()
        var logs: [UUID: EventLog] = [:]
        var step = 0
        /// Calls offered at the hook door (accepted or not).
        var offered = 0
    }

    struct User: Sendable {
        let id: UUID
        let token: String
    }

    /// Two more users, a second extension, the forward rules that make calls travel, the limit.
    static func setUp(_ api: API, _ w: World) async throws -> [User] {
        var users = [User(id: UUID(uuidString: w.a.userID) ?? UUID(), token: w.a.userToken)]
        for name in ["bob", "carol"] {
            let id = try await api.post(
                "\(w.a.base)/users", token: w.a.adminToken, ["email": "\(name)@a.test", "password": "\(name)-password"]
            )
            .id
            _ = try await api.post("\(w.a.base)/extensions/\(w.a.extensionID)/grants", token: w.a.adminToken, ["user_id": id])
            users.append(User(id: UUID(uuidString: id) ?? UUID(), token: try await api.login("\(name)@a.test", "\(name)-password")))
        }
        _ = try await api.patch("\(w.a.base)/extensions/\(w.a.extensionID)", token: w.a.adminToken, ["ring_timeout_s": 10])
        let backup = try await api.post(
            "\(w.a.base)/extensions", token: w.a.adminToken, ["number": "102", "name": "Backup", "voicemail_enabled": false]
        ).id
        _ = try await api.post("\(w.a.base)/extensions/\(backup)/grants", token: w.a.adminToken, ["user_id": users[2].id.uuidString])
        _ = try await api.post(
            "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules", token: w.a.adminToken,
            ["trigger": "busy", "target_type": "extension", "target": backup])
        _ = try await api.post(
            "\(w.a.base)/extensions/\(backup)/forward-rules", token: w.a.adminToken,
            ["trigger": "unavailable", "target_type": "number", "target": "+31611112222"])
        // Forwards to a number reach a phone that answers, is busy or does not pick up (set each step).
        let limit = try await api.patch(w.a.base, token: w.rootToken, ["policy": ["max_concurrent_calls": limit]])
        #expect(limit.status == .ok, "\(limit.text)")
        return users
    }

    // MARK: - The generator

    /// The number the extensions' `unavailable` rule forwards to.
    static let forwardTarget = "+31611112222"

    /// Lets the world catch up after a step: LiveKit's webhooks are delivered, the jobs due run
    /// (LiveKit work, timers), until neither has anything left.
    static func settle(_ h: CallHarness) async throws {
        for _ in 0..<6 {
            await h.fake.flush()
            let before = await h.fake.requests.count
            try await h.services.jobs.runDue()
            await h.fake.flush()
            if await h.fake.requests.count == before { return }
        }
    }

    static func step(_ h: CallHarness, _ r: inout Run) async throws {
        let users = r.users
        let fake = h.fake
        var rng = r.rng
        defer { r.rng = rng }
        var tracked = r.tracked
        defer { r.tracked = tracked }
        let pick = Int.random(in: 0..<100, using: &rng)
        // Mostly a live call; sometimes any (late events for calls that are over).
        let live = tracked.indices.filter { r.seen.live.contains(tracked[$0].id) }
        let index =
            Int.random(in: 0..<10, using: &rng) < 8 && !live.isEmpty
            ? live.randomElement(using: &rng) : tracked.indices.randomElement(using: &rng)
        let user = users[Int.random(in: 0..<users.count, using: &rng)]
        // The forward target's phone: how it takes the next dial.
        let callees: [FakeLiveKit.Callee] = [.answers, .answers, .busy, .noAnswer, .declines]
        await fake.setCallee(Self.forwardTarget, callees[Int.random(in: 0..<callees.count, using: &rng)])
        switch pick {
        case 0..<14:
            // At the limit, a new caller is refused; offer fewer then, so the calls in progress get the steps.
            guard r.seen.live.count < limit || Int.random(in: 0..<5, using: &rng) == 0 else { return }
            r.offered += 1
            let lkCallID = "SCL_m\(r.offered)"
            let reply = try await InboundDispatchTests.hook(
                h.api, InboundDispatchTests.body(lkCallID, from: "+3161234\(String(format: "%04d", r.offered % 10_000))"))
            guard reply.status == .ok else { throw TestFailure("hook door: \(reply.text)") }
            if reply.json["result"] as? String == "ACCEPT",
                let id = (reply.json["scaidial_call_id"] as? String).flatMap { UUID(uuidString: $0) },
                let room = reply.json["room_name"] as? String, let caller = reply.json["participant_identity"] as? String
            {
                tracked.append(Tracked(id: id, lkCallID: lkCallID, room: room, caller: caller))
                // Mostly livekit-sip puts the caller in the room at once; sometimes later, or never (a cancel).
                if Int.random(in: 0..<5, using: &rng) > 0, var t = tracked.popLast() {
                    t.callerJoined = true
                    await fake.sipInbound(room: room, from: "+31612340000", to: "+31201110001", callID: lkCallID, identity: caller)
                    tracked.append(t)
                }
            }
        case 14..<26:
            // livekit-sip puts the caller in its room (mostly soon after the hook door accepted it).
            guard let i = index, !tracked[i].callerJoined else { return }
            tracked[i].callerJoined = true
            let t = tracked[i]
            await fake.sipInbound(room: t.room, from: "+31612340000", to: "+31201110001", callID: t.lkCallID, identity: t.caller)
        case 26..<38:
            guard let i = index else { return }
            let call = tracked[i].id
            if Int.random(in: 0..<3, using: &rng) == 0 {
                // Two browsers answer at the same moment.
                let other = users[Int.random(in: 0..<users.count, using: &rng)]
                async let a = h.api.post("/me/calls/\(call)/answer", token: user.token, [:])
                async let b = h.api.post("/me/calls/\(call)/answer", token: other.token, [:])
                let statuses = [try await a.status, try await b.status]
                guard statuses.allSatisfy({ $0 == .ok || $0 == .conflict || $0 == .notFound }) else {
                    throw TestFailure("answers: \(statuses)")
                }
            } else {
                let r = try await h.api.post("/me/calls/\(call)/answer", token: user.token, [:])
                guard [.ok, .conflict, .notFound].contains(r.status) else { throw TestFailure("answer: \(r.status) \(r.text)") }
            }
        case 38..<46:
            guard let i = index else { return }
            let r = try await h.api.post("/me/calls/\(tracked[i].id)/decline", token: user.token, [:])
            guard [.noContent, .conflict, .notFound].contains(r.status) else { throw TestFailure("decline: \(r.status) \(r.text)") }
        case 46..<54:
            // The answering user's browser: joins and (mostly) gets its microphone; reloads; opens a second tab; goes.
            guard let i = index, let answerer = try await h.call(tracked[i].id).answeredBy else { return }
            let identity = JoinedCall.identity(of: answerer)
            let room = tracked[i].room
            let inRoom = await fake.participants(in: room).contains { $0.identity == identity }
            if !inRoom || Bool.random(using: &rng) {
                tracked[i].browserJoined = true
                await fake.browserJoins(room: room, identity: identity)
                if Int.random(in: 0..<4, using: &rng) > 0 { await fake.publishAudio(room: room, identity: identity) }
            } else {
                await fake.dropParticipant(room: room, identity: identity)
            }
        case 54..<61:
            guard let i = index, tracked[i].callerJoined, !tracked[i].callerLeft else { return }
            tracked[i].callerLeft = true
            await fake.callerHangsUp(room: tracked[i].room, identity: tracked[i].caller)
        case 61..<65:
            guard let i = index, let answerer = try await h.call(tracked[i].id).answeredBy,
                let token = users.first(where: { $0.id == answerer })?.token
            else { return }
            let r = try await h.api.post("/me/calls/\(tracked[i].id)/hangup", token: token, [:])
            guard r.status == .noContent else { throw TestFailure("hangup: \(r.status) \(r.text)") }
        case 65..<78:
            try await h.advance(.seconds(Int64.random(in: 1...6, using: &rng)))
        case 78..<84:
            // The greeting ends; a recording ends (Egress's own queue: it may overtake the room's events).
            if let id = await fake.ingresses.randomElement(using: &rng)?.ingressId { await fake.endIngress(id) }
            let running = await fake.egresses.filter { $0.status == .active }
            if Bool.random(using: &rng), let id = running.randomElement(using: &rng)?.egressId { await fake.endEgress(id) }
        case 84..<90:
            // A forward target that answered hangs up.
            guard let i = index else { return }
            let room = tracked[i].room
            guard let target = await fake.participants(in: room).first(where: { $0.identity?.hasPrefix("fwd_") == true })?.identity else {
                return
            }
            await fake.dropParticipant(room: room, identity: target)
        case 90..<95:
            // LiveKit delivers an event again: the same id (acknowledged, not applied) or a new one.
            guard let event = await fake.sentEvents.randomElement(using: &rng),
                var json = try JSONSerialization.jsonObject(with: ProtoJSON.encode(event, keys: .camelCase)) as? [String: Any]
            else { return }
            if Bool.random(using: &rng) { json["id"] = "EV_again_\(r.step)" }
            let reply = try await h.webhook(json)
            guard reply.status == .ok else { throw TestFailure("webhook \(event.event ?? "") answered \(reply.status): \(reply.text)") }
        default:
            // A room everyone left closes once its departure timeout passes.
            guard let i = index else { return }
            await fake.departureTimeoutPasses(room: tracked[i].room)
        }
    }

    /// Ends what is still going on, as people and LiveKit would.
    static func finish(_ h: CallHarness, _ t: inout Tracked) async throws {
        if t.callerJoined && !t.callerLeft {
            t.callerLeft = true
            await h.fake.callerHangsUp(room: t.room, identity: t.caller)
        }
        await h.fake.departureTimeoutPasses(room: t.room)
    }

    // MARK: - The invariants

    /// After every step, over every call of the tenant: the calls in one query, the legs of those
    /// that changed since the last check.
    static func check(_ h: CallHarness, _ seen: inout Seen) async throws {
        let rows = try await CallModel.query(on: h.db).all()
        let messageCalls = try await VoicemailMessageModel.query(on: h.db).all().compactMap(\.callID)
        var live: Set<UUID> = []
        for row in rows {
            let id = try row.requireID()
            func fail(_ what: String) -> TestFailure { TestFailure("call \(id) (\(row.phase?.rawValue ?? "?")): \(what)") }
            let over = !row.state.isLive
            if !over { live.insert(id) }
            if let phase = row.phase, row.state != phase.state(direction: row.direction) {
                throw fail("state \(row.state) is not its phase's")
            }
            if let first = seen.over[id] {
                if first.0 != row.state || first.1 != row.endReason || first.2 != row.endedAt || first.3 != row.answeredAt {
                    throw fail("an over call changed: \(first) → \(row.state), \(String(describing: row.endReason))")
                }
            } else if over {
                seen.over[id] = (row.state, row.endReason, row.endedAt, row.answeredAt)
            }
            // Whose audio connected a call stays its answerer (an answer without audio may be taken back).
            if let before = seen.answeredBy[id], before != row.answeredByUserID {
                throw fail("answered twice: \(before), then \(String(describing: row.answeredByUserID))")
            }
            if messageCalls.filter({ $0 == id }).count > 1 { throw fail("more than one voicemail message") }
            guard seen.versions[id] != row.version else { continue }
            seen.versions[id] = row.version
            let call = try await h.call(id)
            let connected = call.legs(.wave).filter { $0.answeredAt != nil }
            if connected.count > 1 { throw fail("\(connected.count) browsers answered") }
            if let by = connected.first?.userID {
                if call.answeredBy != by { throw fail("answered by \(String(describing: call.answeredBy)), connected to \(by)") }
                seen.answeredBy[id] = by
            }
            if over, let caller = call.callerLeg?.identity,
                await h.fake.participants(in: call.roomName).contains(where: { $0.identity == caller })
            {
                throw fail("over (\(call.endReason?.rawValue ?? "?")), and its caller is still in the room")
            }
            if call.legs(.voicemail).count > 1 { throw fail("\(call.legs(.voicemail).count) voicemail legs") }
            if !call.isLive, let open = call.legs.first(where: { $0.state.isOpen }) {
                throw fail("its \(open.kind) leg is still \(open.state)")
            }
            if call.phase != .ringing, call.ring != nil { throw fail("still rings \(call.ring?.users ?? [])") }
        }
        if live.count > limit { throw TestFailure("\(live.count) live calls, over the limit of \(limit)") }
        seen.live = live
    }

    /// At the end: every browser that was rung stopped ringing, and every over call let its caller go.
    static func checkEnd(_ h: CallHarness, logs: [UUID: EventLog], tracked: [Tracked], seed: UInt64) async throws {
        try await Task.sleep(for: .milliseconds(200))  // the hub hands events to the logs on their own tasks
        var outcomes: [String: Int] = [:]
        for t in tracked {
            let call = try await h.call(t.id)
            outcomes[call.endReason?.rawValue ?? "live", default: 0] += 1
            if call.answeredBy != nil { outcomes["(answered by a user)", default: 0] += 1 }
            if call.hops > 0 { outcomes["(forwarded to another extension)", default: 0] += 1 }
        }
        let messages = try await VoicemailMessageModel.query(on: h.db).count()
        let rejected = try await CallModel.query(on: h.db).filter(\.$endReason == .overLimit).count()
        print(
            "call model: \(tracked.count) calls accepted, \(rejected) over the limit, \(messages) messages; \(outcomes.sorted { $0.key < $1.key })"
        )
        for t in tracked {
            let call = try await h.call(t.id)
            #expect(!call.isLive, "seed \(seed): call \(t.id) still \(call.phase)")
            for (user, log) in logs {
                let names = log.names(for: t.id).filter { $0 == "ring" || $0 == "ring_cancelled" }
                guard let lastRing = names.lastIndex(of: "ring"), user != call.answeredBy else { continue }
                #expect(names[lastRing...].contains("ring_cancelled"), "seed \(seed): \(user) still rings for \(t.id): \(names)")
            }
            #expect(
                await !h.fake.participants(in: t.room).contains { $0.identity == t.caller },
                "seed \(seed): the caller of \(t.id) was never let go")
        }
    }
}
