import Foundation
import Hummingbird
import LiveKit
import LiveKitFake
import Synchronization
import Testing

@testable import ScaiDial

/// The races real calls produce, forced at the worst moment: the engine has decided one event and
/// is about to write it when another event wins (`AppConfig.callRaceHook`). The loser's write must
/// fail its compare-and-set, be decided again on what the winner wrote, and never overwrite it.
@Suite("Call races: compare-and-set against the worst interleavings")
struct CallRaceTests {
    /// Runs `interloper` the first time the engine is about to write an event `matching` it.
    final class Interloper: Sendable {
        private typealias Armed = (match: @Sendable (UUID, CallEvent) -> Bool, run: @Sendable () async throws -> Void)
        private let armed = Mutex<Armed?>(nil)
        private let ran = Mutex(0)

        func arm(_ match: @escaping @Sendable (UUID, CallEvent) -> Bool, _ run: @escaping @Sendable () async throws -> Void) {
            armed.withLock { $0 = (match, run) }
        }

        /// How many times an interloper ran.
        var runs: Int { ran.withLock { $0 } }

        func hook(_ call: UUID, _ event: CallEvent) async {
            let due: Armed? = armed.withLock { a in
                guard let current = a, current.match(call, event) else { return nil }
                a = nil
                return current
            }
            guard let due else { return }
            ran.withLock { $0 += 1 }
            do { try await due.run() } catch { Issue.record("the interloper failed: \(error)") }
        }
    }

    func run(_ body: @escaping @Sendable (CallHarness, Interloper) async throws -> Void) async throws {
        let interloper = Interloper()
        try await CallHarness.run(configure: { $0.callRaceHook = { call, event in await interloper.hook(call, event) } }) { h in
            try await body(h, interloper)
        }
    }

    static func alice(_ h: CallHarness) -> UUID { UUID(uuidString: h.world.a.userID)! }

    /// A call ringing Alice's browser; Alice answered it.
    static func answered(_ h: CallHarness, _ id: String) async throws -> UUID {
        _ = h.listen(alice(h))
        let call = try await h.inbound(id)
        let answer = try await h.api.post("/me/calls/\(call)/answer", token: h.world.a.userToken, [:])
        #expect(answer.status == .ok, "\(answer.text)")
        return call
    }

    @Test("a hang-up while the browser's participant_joined is being applied: the call stays ended, never turns active")
    func hangupDuringJoin() async throws {
        try await run { h, interloper in
            let call = try await Self.answered(h, "SCL_r1")
            let room = try await h.call(call).roomName
            let identity = JoinedCall.identity(of: Self.alice(h))
            interloper.arm({ id, event in id == call && event == .joined(identity: identity, kind: .standard, sipStatus: nil) }) {
                let r = try await h.api.post("/me/calls/\(call)/hangup", token: h.world.a.userToken, [:])
                #expect(r.status == .noContent)
            }
            try await h.webhook([
                "event": "participant_joined", "id": "EV_r1", "room": ["name": room],
                "participant": ["identity": identity, "state": "ACTIVE"],
            ])
            #expect(interloper.runs == 1)
            let after = try await h.call(call)
            #expect(after.state == .ended && after.endReason == .hangupByUser && after.answeredAt == nil)
            #expect(after.legs.allSatisfy { !$0.state.isOpen })
            #expect(try await h.api.get("\(h.world.a.base)/calls/active", token: h.world.a.adminToken).items.isEmpty)
        }
    }

    @Test("the sweeper's room_gone and the user's hang-up at once: the hang-up's end reason stands")
    func sweeperAfterHangup() async throws {
        try await run { h, interloper in
            let call = try await Self.answered(h, "SCL_r2")
            interloper.arm({ id, event in id == call && event == .roomGone }) {
                try await h.engine.apply(.hangUp(user: Self.alice(h)), to: call)
            }
            try await h.engine.apply(.roomGone, to: call)
            let after = try await h.call(call)
            #expect(interloper.runs == 1 && after.endReason == .hangupByUser)
        }
    }

    @Test("the last decline and the ring timeout at once: one no-answer, one voicemail leg, no hop")
    func declineAndTimeout() async throws {
        try await run { h, interloper in
            _ = h.listen(Self.alice(h))
            let call = try await h.inbound("SCL_r3")
            interloper.arm({ id, event in id == call && event == .decline(user: Self.alice(h)) }) {
                try await h.advance(.seconds(31))  // the ring timeout fires and wins
            }
            let declined = try await h.api.post("/me/calls/\(call)/decline", token: h.world.a.userToken, [:])
            // The decline was decided again on the timed-out call: no longer ringing.
            #expect(declined.status == .conflict)
            var after = try await h.call(call)
            #expect(after.legs(.voicemail).count == 1 && after.hops == 0 && after.phase == .greeting)
            // The other order: the decline wins, the timeout finds nothing to do.
            let second = try await h.inbound("SCL_r3b")
            interloper.arm({ id, event in id == second && event == .ringTimeout(round: 1) }) {
                let r = try await h.api.post("/me/calls/\(second)/decline", token: h.world.a.userToken, [:])
                #expect(r.status == .noContent)
            }
            try await h.advance(.seconds(31))
            after = try await h.call(second)
            #expect(after.legs(.voicemail).count == 1 && after.hops == 0 && interloper.runs == 2)
        }
    }

    @Test("an answer after the call went to voicemail, to a forward or to a bot is refused")
    func answerTooLate() async throws {
        try await run { h, _ in
            _ = h.listen(Self.alice(h))
            let w = h.world
            let call = try await h.inbound("SCL_r4")
            try await h.advance(.seconds(31))
            #expect(try await h.call(call).phase == .greeting)
            let answer = try await h.api.post("/me/calls/\(call)/answer", token: w.a.userToken, [:])
            #expect(answer.status == .conflict && answer.json["code"] as? String == "not_ringing")
            #expect(try await h.call(call).answeredBy == nil)
            // Forwarded on decline (busy → a number): the forward goes on, the answer is refused.
            _ = try await h.api.post(
                "\(w.a.base)/extensions/\(w.a.extensionID)/forward-rules", token: w.a.adminToken,
                ["trigger": "busy", "target_type": "number", "target": "+31611112222"])
            let forwarded = try await h.inbound("SCL_r4b")
            #expect(try await h.api.post("/me/calls/\(forwarded)/decline", token: w.a.userToken, [:]).status == .noContent)
            #expect(try await h.call(forwarded).phase == .forwarding)
            #expect(try await h.api.post("/me/calls/\(forwarded)/answer", token: w.a.userToken, [:]).status == .conflict)
        }
    }

    @Test("two deliveries of the caller's arrival at once start one greeting and make one voicemail leg")
    func doubleArrival() async throws {
        try await run { h, interloper in
            let w = h.world
            _ = try await h.api.post(
                "\(w.a.base)/dialplans/\(w.a.dialplanID)/rules", token: w.a.adminToken,
                ["priority": 1, "action": ["type": "voicemail", "extension_id": w.a.extensionID]])
            let call = try await h.inbound("SCL_r5", joins: false)
            let room = try await h.call(call).roomName
            @Sendable func arrival(_ id: String) -> [String: Any] {
                [
                    "event": "participant_joined", "id": id, "room": ["name": room],
                    "participant": [
                        "identity": "sip_+31612345678", "kind": "SIP", "state": "ACTIVE",
                        "attributes": ["sip.callID": "SCL_r5", "sip.callStatus": "ringing"],
                    ],
                ]
            }
            interloper.arm({ id, event in id == call && event == .joined(identity: "sip_+31612345678", kind: .sip, sipStatus: .ringing) }) {
                try await h.webhook(arrival("EV_r5b"))  // a second delivery (LiveKit's retry) under another id
            }
            try await h.webhook(arrival("EV_r5a"))
            let after = try await h.call(call)
            #expect(interloper.runs == 1 && after.legs(.voicemail).count == 1)
            try await h.advance(.zero)
            #expect(await h.fake.requests("CreateIngress").count == 1)
        }
    }
}
