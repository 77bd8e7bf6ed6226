import Dialplan
import Foundation
import LiveKit
import Testing

@testable import ScaiDial

/// The call machine without a database or LiveKit: a call, an event and the facts in; the call and
/// the effects out.
@Suite("Call state machine")
struct CallMachineTests {
    typealias F = CallFixtures

    /// A call of tenant A ringing extension 101 for Alice and Bob.
    static func ringing() throws -> Call {
        try F.run(F.inbound(), .decided).0
    }

    @Test("decided: the online granted users are rung, and a ring timeout is set for this round")
    func rings() throws {
        let (call, t) = try F.run(F.inbound(), .decided, at: 2)
        #expect(call.phase == .ringing && call.state == .ringing && call.extensionID == F.desk)
        #expect(call.ringRound == 1 && call.ring == RingRound(users: [F.alice, F.bob]))
        #expect(t.ringed == [F.alice, F.bob])
        #expect(t.scheduled.count == 1 && t.scheduled.first?.0 == .ringTimeout(round: 1))
        #expect(t.scheduled.first?.1 == F.t0.addingTimeInterval(32))
        // The public state did not change (an inbound call that waits shows ringing): no notification.
        #expect(!t.has(.notify))
    }

    @Test("only online users are rung; nobody online hands the call to voicemail, whose greeting waits for the caller")
    func nobodyOnline() throws {
        let d = F.directory(.ringExtension(F.desk), [F.ext(online: [F.bob])])
        #expect(try F.run(F.inbound(), .decided, d).1.ringed == [F.bob])
        let quiet = F.directory(.ringExtension(F.desk), [F.ext(online: [])])
        let (call, t) = try F.run(F.inbound(), .decided, quiet)
        #expect(call.phase == .greeting && call.action == .voicemail && call.extensionID == F.desk)
        #expect(call.legs(.voicemail).map(\.state) == [.dialing])
        #expect(!t.effects.contains { if case .startGreeting = $0 { true } else { false } })
        // The caller arrives: now the greeting starts, once.
        let (arrived, a) = try F.run(call, .callerJoined(status: .ringing), quiet)
        let leg = try #require(arrived.voicemailLeg)
        #expect(a.has(.startGreeting(legID: leg.id, box: F.desk)))
        // Its arrival timer (the hook door's) goes with it.
        #expect(a.has(.cancel(.callerArrival)))
        let (_, again) = try F.run(arrived, .callerJoined(status: .ringing), quiet)
        #expect(again.effects.isEmpty)
    }

    @Test("the first answer wins: the others' browsers stop ringing, later answers are refused")
    func firstAnswerWins() throws {
        let (answered, t) = try F.run(try Self.ringing(), .answer(user: F.bob))
        #expect(t.refusal == nil)
        #expect(answered.answeredBy == F.bob && answered.phase == .connecting && answered.ring == nil)
        let wave = try #require(answered.legs(.wave).first)
        #expect(wave.userID == F.bob && wave.identity == JoinedCall.identity(of: F.bob) && wave.state == .dialing)
        #expect(t.cancelled.map(\.users) == [[F.alice]] && t.cancelled.first?.reason == "answered")
        #expect(t.has(.cancel(.ringTimeout)))
        let (same, late) = try F.run(answered, .answer(user: F.alice))
        #expect(late.refusal == .notRinging && same == answered && late.effects.isEmpty)
    }

    @Test("an answer is refused once the call is no longer ringing for users: voicemail, a forward, a bot, over")
    func answerRefused() throws {
        let voicemail = try F.run(F.inbound(), .decided, F.directory(.voicemail(F.desk))).0
        let forward = try F.run(F.inbound(joined: true), .decided, F.directory(.forward(target: "+31611112222", mode: .bridge))).0
        let bot = try F.run(F.inbound(), .decided, F.directory(.ringExtension(F.bot), [F.ext(F.bot, number: "900", type: .bot)])).0
        let over = try F.run(try Self.ringing(), .roomFinished).0
        for call in [voicemail, forward, bot, over] {
            let (after, t) = try F.run(call, .answer(user: F.alice))
            #expect(t.refusal == .notRinging, "\(call.phase)")
            #expect(after == call)
        }
    }

    @Test("the answer counts when the browser's audio is published: joining alone is not an answer")
    func answerIsAudio() throws {
        let identity = JoinedCall.identity(of: F.alice)
        let (answered, a) = try F.run(try Self.ringing(), .answer(user: F.alice), at: 2)
        #expect(a.scheduled.contains { $0.0 == .noAudio(identity: identity) && $0.1 == F.t0.addingTimeInterval(12) })
        let (joined, _) = try F.run(answered, .joined(identity: identity, kind: .standard, sipStatus: nil), at: 3)
        #expect(joined.phase == .connecting && joined.legs(.wave).first?.state == .dialing && joined.legs(.wave).first?.joinedAt != nil)
        let (call, t) = try F.run(joined, .trackPublished(identity: identity), at: 5)
        #expect(call.phase == .active && call.state == .active && call.answeredAt == F.t0.addingTimeInterval(5))
        #expect(call.legs(.wave).first?.state == .answered && call.callerLeg?.state == .answered)
        #expect(t.has(.notify) && t.has(.cancel(.noAudio(identity: identity))))
        // A SIP participant's track (a callee's dial tone) is not an answer.
        #expect(try F.run(joined, .trackPublished(identity: F.caller)).0 == joined)
    }

    @Test("a browser that publishes no audio in time does not answer: it hears why, the others are rung again")
    func noAudio() throws {
        let identity = JoinedCall.identity(of: F.alice)
        var call = try F.run(try Self.ringing(), .answer(user: F.alice), at: 2).0
        call = try F.run(call, .joined(identity: identity, kind: .standard, sipStatus: nil), at: 3).0
        let (again, t) = try F.run(call, .noAudio(identity: identity), at: 12)
        #expect(again.phase == .ringing && again.answeredBy == nil && again.ring?.users == [F.bob] && again.ringRound == 2)
        #expect(again.legs(.wave).first?.state == .failed && again.legs(.wave).first?.failureReason?.contains("no audio") == true)
        #expect(t.cancelled.contains { $0.users == [F.alice] && $0.reason == "no_audio" })
        #expect(t.has(.removeParticipant(identity: identity)) && t.ringed == [F.bob])
        // Bob answers with audio this time: one answered browser, the failed one stays failed.
        var bob = try F.run(again, .answer(user: F.bob), at: 13).0
        bob = try F.run(bob, .trackPublished(identity: JoinedCall.identity(of: F.bob)), at: 14).0
        #expect(bob.state == .active && bob.legs(.wave).filter { $0.state == .answered }.map(\.userID) == [F.bob])
        // Nobody else to ring: the extension's fallback (voicemail).
        let lone = F.directory(.ringExtension(F.desk), [F.ext(users: [F.alice], online: [F.alice])])
        var single = try F.run(F.inbound(joined: true), .decided, lone).0
        single = try F.run(single, .answer(user: F.alice), lone).0
        #expect(try F.run(single, .noAudio(identity: identity), lone, at: 12).0.phase == .greeting)
        // A timer for a browser that did publish does nothing.
        #expect(try F.run(bob, .noAudio(identity: JoinedCall.identity(of: F.bob))).1.effects.isEmpty)
    }

    @Test("users on another call are busy: not rung; when every online user is busy, the busy rule decides")
    func busyUsers() throws {
        var facts = F.ext(rules: [.busy: ForwardRuleFacts(targetType: .number, target: "+31611112222")])
        facts.busy = [F.alice]
        let (call, t) = try F.run(F.inbound(), .decided, F.directory(.ringExtension(F.desk), [facts]))
        #expect(t.ringed == [F.bob] && call.ring?.users == [F.bob])
        facts.busy = [F.alice, F.bob]
        let (busy, _) = try F.run(F.inbound(), .decided, F.directory(.ringExtension(F.desk), [facts]))
        #expect(busy.phase == .forwarding && busy.legs(.sip).last?.destination == "+31611112222")
    }

    @Test("a decline stops that browser; the last decline makes the extension busy and its busy rule decides")
    func declines() throws {
        let busyToNumber = F.directory(
            .ringExtension(F.desk), [F.ext(rules: [.busy: ForwardRuleFacts(targetType: .number, target: "+31611112222")])])
        let (one, t1) = try F.run(try Self.ringing(), .decline(user: F.alice), busyToNumber)
        #expect(one.phase == .ringing && one.ring?.declined == [F.alice])
        #expect(t1.cancelled.map(\.users) == [[F.alice]] && t1.cancelled.first?.reason == "declined")
        let (both, t2) = try F.run(one, .decline(user: F.bob), busyToNumber)
        #expect(both.phase == .forwarding && both.action == .forward && both.ring == nil)
        #expect(t2.has(.cancel(.ringTimeout)))
        #expect(both.legs(.sip).last?.destination == "+31611112222")
        // Declining again, or after the round, is refused and changes nothing.
        let (after, t3) = try F.run(both, .decline(user: F.bob), busyToNumber)
        #expect(t3.refusal == .notRinging && after == both)
    }

    @Test("the ring timeout of the current round follows no_answer to another extension; a stale round's does nothing")
    func ringTimeoutHops() throws {
        let d = F.directory(
            .ringExtension(F.desk),
            [
                F.ext(rules: [.noAnswer: ForwardRuleFacts(targetType: .extension, target: F.backup.uuidString)]),
                F.ext(F.backup, number: "102", users: [F.carol], online: [F.carol]),
            ])
        let ringing = try F.run(F.inbound(), .decided, d).0
        let (next, t) = try F.run(ringing, .ringTimeout(round: 1), d, at: 31)
        #expect(next.extensionID == F.backup && next.hops == 1 && next.ringRound == 2 && next.ring?.users == [F.carol])
        #expect(t.cancelled.first?.users == [F.alice, F.bob] && t.cancelled.first?.reason == "timeout")
        #expect(t.ringed == [F.carol] && t.scheduled.first?.0 == .ringTimeout(round: 2))
        let (same, stale) = try F.run(next, .ringTimeout(round: 1), d, at: 32)
        #expect(same == next && stale.effects.isEmpty)
    }

    @Test("the last decline and the ring timeout race: whichever comes second finds nothing to do (one hop, one voicemail leg)")
    func declineAndTimeout() throws {
        let d = F.directory(.ringExtension(F.desk), [F.ext(users: [F.alice], online: [F.alice])])
        let ringing = try F.run(F.inbound(joined: true), .decided, d).0
        for order in [[CallEvent.decline(user: F.alice), .ringTimeout(round: 1)], [.ringTimeout(round: 1), .decline(user: F.alice)]] {
            var call = ringing
            for event in order { call = try F.run(call, event, d).0 }
            #expect(call.legs(.voicemail).count == 1 && call.hops == 0 && call.phase == .greeting, "\(order)")
        }
    }

    @Test("forwards between extensions stop at the hop limit: too_many_hops, the room goes")
    func hopLimit() throws {
        let loop = F.directory(
            .ringExtension(F.desk),
            [
                F.ext(rules: [.always: ForwardRuleFacts(targetType: .extension, target: F.backup.uuidString)]),
                F.ext(F.backup, number: "102", rules: [.always: ForwardRuleFacts(targetType: .extension, target: F.desk.uuidString)]),
            ])
        let (call, t) = try F.run(F.inbound(), .decided, loop)
        #expect(call.state == .ended && call.endReason == .tooManyHops && call.hops == F.settings.maxHops)
        #expect(t.has(.deleteRoom))
    }

    @Test("a caller who gives up while ringing: ended, caller_hangup, its leg ended (not failed), every browser stops ringing")
    func callerGivesUp() throws {
        let (call, t) = try F.run(try Self.ringing(), .left(identity: F.caller, reason: .clientInitiated), at: 9)
        #expect(call.state == .ended && call.endReason == .callerHangup && call.endedAt == F.t0.addingTimeInterval(9))
        #expect(call.callerLeg?.state == .ended && call.callerLeg?.failureReason == nil)
        #expect(t.cancelled.first?.users == [F.alice, F.bob] && t.cancelled.first?.reason == "caller_hangup")
        #expect(!t.has(.deleteRoom))  // the room empties by itself
    }

    @Test("an ended call never changes again: late joins, answers, statuses, timeouts and verdicts leave it as it is")
    func endedStaysEnded() throws {
        let ended = try F.run(try F.run(try Self.ringing(), .answer(user: F.alice)).0, .hangUp(user: F.alice), at: 3).0
        #expect(ended.endReason == .hangupByUser)
        let late: [CallEvent] = [
            .joined(identity: JoinedCall.identity(of: F.alice), kind: .standard, sipStatus: nil),
            .joined(identity: F.caller, kind: .sip, sipStatus: .active), .sipStatus(identity: F.caller, status: .active),
            .roomFinished, .roomGone, .hangUp(user: F.bob), .ringTimeout(round: 1), .answer(user: F.bob),
            .left(identity: F.caller, reason: nil), .browserGone(identity: JoinedCall.identity(of: F.alice), present: false),
        ]
        for event in late {
            let (after, t) = try F.run(ended, event, at: 50)
            #expect(after.phase == .ended && after.endReason == .hangupByUser && after.endedAt == ended.endedAt, "\(event)")
            #expect(after.answeredAt == ended.answeredAt && !t.has(.notify), "\(event)")
        }
    }

    @Test("a connected user's browser that leaves may come back: the grace timer decides")
    func browserGone() throws {
        let identity = JoinedCall.identity(of: F.alice)
        var call = try F.run(try Self.ringing(), .answer(user: F.alice)).0
        call = try F.run(call, .joined(identity: identity, kind: .standard, sipStatus: nil)).0
        call = try F.run(call, .trackPublished(identity: identity)).0
        #expect(try F.run(call, .left(identity: identity, reason: .duplicateIdentity)).1.effects.isEmpty)
        let (away, t) = try F.run(call, .left(identity: identity, reason: .clientInitiated), at: 20)
        #expect(away == call)
        #expect(t.scheduled.first?.0 == .browserGone(identity: identity) && t.scheduled.first?.1 == F.t0.addingTimeInterval(30))
        let (back, b) = try F.run(away, .browserGone(identity: identity, present: true), at: 30)
        #expect(back == away && b.effects.isEmpty)
        let (gone, g) = try F.run(away, .browserGone(identity: identity, present: false), at: 30)
        #expect(gone.state == .ended && gone.endReason == .hangupByUser && g.has(.deleteRoom))
    }

    @Test("click-to-call: taken by LiveKit, answered by the far end, then hung up by it")
    func outboundAnswered() throws {
        let placed = F.outbound()
        #expect(placed.state == .routing && placed.legs.map(\.kind) == [.wave, .sip])
        let sip = try #require(placed.firstLeg(.sip))
        // livekit-sip puts the callee in the room before its INVITE (`dialing`): no answer yet.
        let (dialing, d) = try F.run(placed, .joined(identity: "sip_+31612345678", kind: .sip, sipStatus: .dialing), at: 1)
        #expect(dialing.state == .ringing && d.has(.notify))
        #expect(d.scheduled.contains { $0.0 == .dialCheck(legID: sip.id) })
        // The browser joining its own room is not an answer either, and neither is the callee's dial tone.
        var browser = try F.run(dialing, .joined(identity: JoinedCall.identity(of: F.alice), kind: .standard, sipStatus: nil)).0
        browser = try F.run(browser, .trackPublished(identity: "sip_+31612345678")).0
        #expect(browser.state == .ringing && browser.firstLeg(.wave)?.state == .answered)
        // CreateSIPParticipant (wait_until_answered) returns: the far end picked up.
        let (answered, a) = try F.run(browser, .dialAnswered(legID: sip.id, sipCallID: "SCL_out"), at: 4)
        #expect(answered.state == .active && answered.answeredAt == F.t0.addingTimeInterval(4) && answered.liveKitCallID == "SCL_out")
        #expect(a.has(.cancel(.dialCheck(legID: sip.id))) && a.has(.notify))
        let (done, t) = try F.run(answered, .left(identity: "sip_+31612345678", reason: .clientInitiated), at: 64)
        #expect(done.endReason == .completed && done.legs.allSatisfy { $0.state == .ended } && t.has(.deleteRoom))
    }

    @Test(
        "click-to-call that never connects: refused is failed/carrier_rejected, unanswered is ended/no_answer, a dial error fails the call")
    func outboundFailures() throws {
        let placed = F.outbound()
        let sip = try #require(placed.firstLeg(.sip))
        let rejected = try F.run(placed, .left(identity: "sip_+31612345678", reason: .userRejected)).0
        #expect(rejected.state == .failed && rejected.endReason == .carrierRejected && rejected.firstLeg(.sip)?.state == .failed)
        let unanswered = try F.run(placed, .left(identity: "sip_+31612345678", reason: .userUnavailable)).0
        #expect(unanswered.state == .ended && unanswered.endReason == .noAnswer && unanswered.firstLeg(.sip)?.state == .ended)
        let (failed, t) = try F.run(placed, .dialFailed(legID: sip.id, sipStatus: 486, detail: "Busy Here"))
        #expect(failed.state == .failed && failed.endReason == .carrierRejected && failed.sipStatus == 486)
        #expect(failed.firstLeg(.sip)?.failureReason == "Busy Here" && failed.firstLeg(.wave)?.state == .ended)
        #expect(t.has(.deleteRoom) && t.has(.notify))
        let (noPickUp, _) = try F.run(placed, .dialFailed(legID: sip.id, sipStatus: 480, detail: "Temporarily Unavailable"))
        #expect(noPickUp.state == .ended && noPickUp.endReason == .noAnswer && noPickUp.firstLeg(.sip)?.sipStatus == 480)
        let (broken, _) = try F.run(placed, .dialFailed(legID: sip.id, sipStatus: nil, detail: "LiveKit unreachable"))
        #expect(broken.state == .failed && broken.endReason == .liveKitError)
        // The user hung up while the far end's phone rang, and then it picked up: it is hung up too.
        let hungUp = try F.run(placed, .hangUp(user: F.alice)).0
        let (after, late) = try F.run(hungUp, .dialAnswered(legID: sip.id, sipCallID: "SCL_late"))
        #expect(after == hungUp && late.has(.removeParticipant(identity: "sip_+31612345678")))
        // After a restart, LiveKit is asked: a callee it no longer has did not connect.
        let (lost, _) = try F.run(placed, .dialCheck(legID: sip.id, status: nil))
        #expect(lost.state == .failed && lost.endReason == .liveKitError)
        let (found, _) = try F.run(placed, .dialCheck(legID: sip.id, status: .active))
        #expect(found.state == .active)
        #expect(try F.run(placed, .dialCheck(legID: sip.id, status: .ringing)).0 == placed)
    }

    @Test("voicemail: greeting, recording, the caller hangs up, the recording becomes exactly one message")
    func voicemail() throws {
        let d = F.directory(.voicemail(F.desk))
        var call = try F.run(F.inbound(joined: true), .callerJoined(status: nil), d).0
        call = try F.run(F.inbound(), .callerJoined(status: .ringing), d).0
        let leg = try #require(call.voicemailLeg)
        // The greeting plays, and the recording starts with it (no word after the tone is lost).
        let (greeting, g) = try F.run(call, .greetingStarted(legID: leg.id, ingressID: "IN_g"), at: 2)
        #expect(greeting.voicemailLeg?.state == .ringing && greeting.state == .ringing)
        #expect(g.effects.contains { if case .startRecording(leg.id, F.caller, _) = $0 { true } else { false } })
        #expect(g.scheduled.first?.0 == .voicemailLimit && g.scheduled.first?.1 == F.t0.addingTimeInterval(2 + 120 + 60))
        call = try F.run(greeting, .recordingStarted(legID: leg.id, egressID: "EG_r", key: "voicemail/x.ogg"), at: 3).0
        #expect(call.voicemailLeg?.recordingRef == "EG_r" && call.state == .ringing)
        // The greeting ends: the caller is connected to the box.
        let (active, _) = try F.run(call, .ingressEnded(ingressID: "IN_g"), at: 8)
        #expect(active.phase == .recording && active.state == .active && active.answeredAt == F.t0.addingTimeInterval(8))
        #expect(try F.run(active, .ingressEnded(ingressID: "IN_g")).1.effects.isEmpty)
        let (ended, e) = try F.run(active, .left(identity: F.caller, reason: .clientInitiated), at: 20)
        #expect(ended.endReason == .voicemail && e.has(.stopRecording(egressID: "EG_r")))
        let outcome = EgressOutcome(egressID: "EG_r", complete: true, seconds: 11, sizeBytes: 4096, error: nil)
        let (stored, s) = try F.run(ended, .egressEnded(outcome), at: 22)
        let messages = s.effects.compactMap { if case .storeMessage(let m) = $0 { m } else { nil } }
        #expect(messages.count == 1 && messages.first?.box == F.desk && messages.first?.storageKey == "voicemail/x.ogg")
        #expect(!s.effects.contains { if case .discardRecording = $0 { true } else { false } })  // a message keeps its file
        #expect(stored.endReason == .voicemail && stored.endedAt == ended.endedAt)
        #expect(try F.run(stored, .egressEnded(outcome)).1.effects.isEmpty)
    }

    @Test("an empty or failed recording leaves no message; the limit stops a long one and hangs up")
    func voicemailEdges() throws {
        let d = F.directory(.voicemail(F.desk))
        var call = try F.run(F.inbound(), .callerJoined(status: nil), d).0
        let leg = try #require(call.voicemailLeg)
        call = try F.run(call, .greetingStarted(legID: leg.id, ingressID: "IN_g")).0
        call = try F.run(call, .recordingStarted(legID: leg.id, egressID: "EG_r", key: "k")).0
        // A caller who hangs up during the greeting leaves no message, whatever the recording holds.
        let gone = try F.run(call, .left(identity: F.caller, reason: .clientInitiated)).0
        let (noMessage, n) = try F.run(
            gone, .egressEnded(EgressOutcome(egressID: "EG_r", complete: true, seconds: 4, sizeBytes: 900, error: nil)))
        #expect(!n.effects.contains { if case .storeMessage = $0 { true } else { false } })
        #expect(n.has(.discardRecording(key: "k")))  // what was recorded of the greeting goes
        #expect(noMessage.voicemailLeg?.failureReason == "the caller hung up during the greeting")
        call = try F.run(call, .ingressEnded(ingressID: "IN_g")).0
        let (limited, l) = try F.run(call, .voicemailLimit, at: 181)
        #expect(limited.endReason == .voicemail && l.has(.stopRecording(egressID: "EG_r")) && l.has(.deleteRoom))
        let empty = EgressOutcome(egressID: "EG_r", complete: true, seconds: 0.2, sizeBytes: 10, error: nil)
        let (e, te) = try F.run(limited, .egressEnded(empty))
        #expect(!te.effects.contains { if case .storeMessage = $0 { true } else { false } })
        #expect(e.voicemailLeg?.failureReason?.hasPrefix("empty recording") == true)
        #expect(te.has(.discardRecording(key: "k")))
        let broken = EgressOutcome(egressID: "EG_r", complete: false, seconds: 0, sizeBytes: 0, error: "disk full")
        let (f, fe) = try F.run(limited, .egressEnded(broken))
        #expect(fe.has(.discardRecording(key: "k")))
        #expect(f.voicemailLeg?.state == .failed && f.voicemailLeg?.failureReason == "recording failed: disk full")
    }

    @Test("a bot extension: the agent is dispatched once the caller is in the room, its joining answers, its leaving ends")
    func bot() throws {
        let d = F.directory(.ringExtension(F.bot), [F.ext(F.bot, number: "900", type: .bot)])
        let (waiting, w) = try F.run(F.inbound(), .decided, d)
        #expect(
            waiting.phase == .botDialing && waiting.state == .ringing
                && !w.effects.contains { if case .dispatchBot = $0 { true } else { false } })
        let (dispatched, t) = try F.run(waiting, .joined(identity: F.caller, kind: .sip, sipStatus: .ringing), d)
        let bot = try #require(dispatched.firstLeg(.bot))
        #expect(t.has(.dispatchBot(legID: bot.id, agent: "support-agent")))
        let (answered, _) = try F.run(dispatched, .joined(identity: "agent-AJ_1", kind: .agent, sipStatus: nil), d, at: 3)
        #expect(answered.state == .active && answered.firstLeg(.bot)?.identity == "agent-AJ_1")
        let (done, e) = try F.run(answered, .left(identity: "agent-AJ_1", reason: .clientInitiated), d, at: 30)
        #expect(done.endReason == .completed && e.has(.deleteRoom))
        // No agent takes the dispatch within the extension's ring time: nobody answered (voicemail).
        let (timedOut, _) = try F.run(dispatched, .ringTimeout(round: dispatched.ringRound), d, at: 31)
        #expect(timedOut.phase == .greeting && timedOut.firstLeg(.bot)?.state == .failed)
        // A forward rule to a bot extension dispatches its agent instead of ringing browsers.
        let toBot = F.directory(
            .ringExtension(F.desk),
            [
                F.ext(rules: [.always: ForwardRuleFacts(targetType: .extension, target: F.bot.uuidString)]),
                F.ext(F.bot, number: "900", type: .bot),
            ])
        let (forwarded, ft) = try F.run(F.inbound(joined: true), .decided, toBot)
        #expect(
            forwarded.phase == .botDialing && ft.ringed == nil && ft.effects.contains { if case .dispatchBot = $0 { true } else { false } })
    }

    @Test("a bridge forward dials the target over the call's trunk, presenting the DID (or the caller, if policy allows)")
    func bridge() throws {
        let d = F.directory(.forward(target: "+31611112222", mode: .bridge))
        let (call, t) = try F.run(F.inbound(), .callerJoined(status: .ringing), d)
        let dial = try #require(t.dials.first)
        #expect(dial.trunk == "ST_out" && dial.to == "+31611112222" && dial.callerID == "+31201110001")
        #expect(dial.ringingTimeoutS == F.settings.forwardRingingTimeoutS && dial.maxCallDurationS == 3600)
        #expect(call.leg(id: dial.legID)?.identity == dial.identity && call.phase == .forwarding)
        let passThrough = F.directory(.forward(target: "+31611112222", mode: .bridge), forwardCallerID: "caller")
        #expect(try F.run(F.inbound(), .callerJoined(status: nil), passThrough).1.dials.first?.callerID == "+31612345678")
        let unsynced = F.directory(
            .forward(target: "+31611112222", mode: .bridge),
            trunk: TrunkFacts(outboundTrunkID: nil, address: "sip.carrier.example", referURI: "sip"))
        let (failed, f) = try F.run(F.inbound(), .callerJoined(status: nil), unsynced)
        #expect(failed.endReason == .noTrunk && failed.state == .failed && f.has(.deleteRoom))
    }

    @Test("the caller's leg is the one keyed caller, wherever the legs sort (a forward made in the same instant may sort first)")
    func callerLegByKey() throws {
        let d = F.directory(.forward(target: "+31611112222", mode: .bridge))
        let (call, _) = try F.run(F.inbound(), .decided, d)
        var shuffled = call
        shuffled.legs.reverse()
        #expect(shuffled.legs.first?.key != CallMachine.Opening.callerKey)
        #expect(shuffled.callerLeg?.key == CallMachine.Opening.callerKey)
        // The caller joining is the caller's, and the forward starts with it.
        let (joined, t) = try F.run(shuffled, .callerJoined(status: .ringing), d)
        #expect(joined.callerInRoom && t.dials.count == 1)
    }

    @Test("a refer forward hands its work to a job, and the job's reports settle the call")
    func refer() throws {
        let d = F.directory(.forward(target: "+31611112222", mode: .refer))
        let (call, t) = try F.run(F.inbound(), .callerJoined(status: nil), d)
        let leg = try #require(call.legs(.sip).last)
        #expect(t.scheduled.first?.0 == .refer(legID: leg.id, transferTo: "sip:+31611112222@sip.carrier.example:5060"))
        #expect(t.has(.startAnnouncement(legID: leg.id)))
        var c = try F.run(call, .announcementStarted(legID: leg.id, ingressID: "IN_a")).0
        // The chime ends while the transfer still waits: it plays again.
        let (looped, l) = try F.run(c, .ingressEnded(ingressID: "IN_a"))
        #expect(l.has(.startAnnouncement(legID: leg.id)) && looped.leg(id: leg.id)?.liveKitRef == nil)
        c = try F.run(looped, .announcementStarted(legID: leg.id, ingressID: "IN_b")).0
        c = try F.run(c, .referCallerAnswered(legID: leg.id), at: 2).0
        #expect(c.state == .active && c.answeredAt != nil)
        let (done, e) = try F.run(c, .referred(legID: leg.id), at: 3)
        #expect(done.endReason == .transferred && done.leg(id: leg.id)?.state == .ended && done.leg(id: leg.id)?.answeredAt != nil)
        #expect(e.has(.deleteIngress(id: "IN_b")))
        // A carrier that does not do REFER: the number is bridged instead.
        let (bridged, b) = try F.run(c, .referFailed(legID: leg.id, reason: .carrierRejected, sipStatus: 501, detail: "Not Implemented"))
        #expect(bridged.isLive && bridged.leg(id: leg.id)?.state == .failed && b.dials.first?.to == "+31611112222")
        // Any other refusal fails the call.
        let (refused, _) = try F.run(c, .referFailed(legID: leg.id, reason: .carrierRejected, sipStatus: 486, detail: "Busy Here"))
        #expect(refused.state == .failed && refused.endReason == .carrierRejected && refused.sipStatus == 486)
        // livekit-sip hangs the caller up once the REFER worked, and that participant_left can come
        // before TransferSIPParticipant's answer: the call waits for the answer.
        let (gone, g) = try F.run(c, .left(identity: F.caller, reason: .clientInitiated), at: 4)
        #expect(gone.isLive && gone.callerLeg?.state == .ended && !g.has(.deleteRoom))
        #expect(try F.run(gone, .referred(legID: leg.id), at: 5).0.endReason == .transferred)
        // … and a REFER that failed with the caller gone is the caller hanging up (no bridge fallback).
        let (hungUp, h) = try F.run(gone, .referFailed(legID: leg.id, reason: .carrierRejected, sipStatus: 501, detail: "Not Implemented"))
        #expect(hungUp.endReason == .callerHangup && hungUp.leg(id: leg.id)?.state == .failed && h.dials.isEmpty)
    }

    @Test("a bridged forward that does not connect: the forwarding extension's voicemail, or forward_failed with the caller let go")
    func forwardFails() throws {
        let fromDesk = F.directory(
            .ringExtension(F.desk), [F.ext(rules: [.busy: ForwardRuleFacts(targetType: .number, target: "+31611112222")], online: [])])
        var call = try F.run(F.inbound(joined: true), .decided, fromDesk).0
        // Nobody online is `unavailable`, not busy: voicemail. Decline-free path: make everyone busy.
        var busyDesk = F.ext(rules: [.busy: ForwardRuleFacts(targetType: .number, target: "+31611112222")])
        busyDesk.busy = [F.alice, F.bob]
        let d = F.directory(.ringExtension(F.desk), [busyDesk])
        call = try F.run(F.inbound(joined: true), .decided, d).0
        let forward = try #require(call.legs(.sip).last)
        #expect(call.phase == .forwarding && forward.extensionID == F.desk)
        let (fallback, _) = try F.run(call, .dialFailed(legID: forward.id, sipStatus: 486, detail: "Busy Here"), d)
        #expect(
            fallback.phase == .greeting && fallback.leg(id: forward.id)?.state == .failed && fallback.leg(id: forward.id)?.sipStatus == 486)
        // The same through the target's participant_left (it joined, then the carrier said no).
        let joined = try F.run(call, .joined(identity: forward.identity ?? "", kind: .sip, sipStatus: .dialing), d).0
        let (viaLeft, vl) = try F.run(joined, .left(identity: forward.identity ?? "", reason: .userUnavailable), d)
        #expect(viaLeft.phase == .greeting && viaLeft.leg(id: forward.id)?.state == .ended)
        #expect(vl.has(.removeParticipant(identity: forward.identity ?? "")))
        // A dialplan-level forward has no extension to fall back to: forward_failed, the caller removed.
        let plain = F.directory(.forward(target: "+31611112222", mode: .bridge))
        let direct = try F.run(F.inbound(), .callerJoined(status: .ringing), plain).0
        let leg = try #require(direct.legs(.sip).last)
        let (failed, f) = try F.run(direct, .dialFailed(legID: leg.id, sipStatus: 603, detail: "Decline"), plain)
        #expect(failed.state == .failed && failed.endReason == .forwardFailed && failed.sipStatus == 603)
        #expect(f.has(.removeParticipant(identity: F.caller)) && f.has(.deleteRoom))
        // A target that answers: the call is connected.
        let (answered, _) = try F.run(direct, .dialAnswered(legID: leg.id, sipCallID: nil), plain, at: 9)
        #expect(answered.state == .active && answered.answeredAt == F.t0.addingTimeInterval(9))
    }

    @Test("the hook door's answer: a call the decision ended is refused with its status; a ring chain sets the ringing timeout")
    func hookDoor() throws {
        let nobody = F.directory(.ringExtension(F.desk), [F.ext(voicemail: false, online: [])])
        let (refused, _) = try F.run(F.inbound(), .decided, nobody)
        #expect(refused.state == .ended && refused.endReason == .noAnswer && refused.sipStatus == 480)
        var desk = F.ext(ringTimeout: 20, rules: [.noAnswer: ForwardRuleFacts(targetType: .extension, target: F.backup.uuidString)])
        desk.busy = []
        let chain = F.directory(.ringExtension(F.desk), [desk, F.ext(F.backup, number: "102", ringTimeout: 45)])
        let (_, t) = try F.run(F.inbound(), .decided, chain)
        #expect(t.ringingTimeoutS == 20 + 45 + F.settings.ringingMarginS)
        // A caller livekit-sip never puts in its room is gone after the arrival timeout.
        let ringing = try F.run(F.inbound(), .decided).0
        let (gone, g) = try F.run(ringing, .callerNeverCame, at: 15)
        #expect(gone.endReason == .callerGone && g.cancelled.first?.users == [F.alice, F.bob])
        #expect(try F.run(try F.run(F.inbound(joined: true), .decided).0, .callerNeverCame).1.effects.isEmpty)
    }

    @Test("the machine says what it lacks instead of guessing, and nothing has changed")
    func missingFacts() throws {
        #expect(throws: CallMachine.Missing(need: .rule)) {
            try CallMachine.handle(F.inbound(), .decided, directory: Directory(), settings: F.settings, now: F.t0)
        }
        var onlyRule = Directory()
        onlyRule.rule = .ringExtension(F.desk)
        onlyRule.loaded = [.rule]
        #expect(throws: CallMachine.Missing(need: .extension(F.desk))) {
            try CallMachine.handle(F.inbound(), .decided, directory: onlyRule, settings: F.settings, now: F.t0)
        }
    }
}
