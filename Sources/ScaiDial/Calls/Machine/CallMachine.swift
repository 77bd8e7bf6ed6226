import Dialplan
import Foundation
import LiveKit

/// A call and its legs as one pure state machine: `handle(call, event, …)` returns the call as it
/// is after the event and the effects to carry out. No database, no LiveKit, no clock: time comes
/// with the event, new ids from `ids`, and whatever the call needs to know besides itself from the
/// `Directory` (when something is missing, `Missing` names it and nothing has changed).
///
/// The `CallEngine` is the only driver: it loads the call, runs this, writes the result with
/// compare-and-set and then performs the effects. Once a call is `ended` or `failed` its state, end
/// reason and times never change again; what still arrives (a recording's end, a dial LiveKit
/// answered late) only settles legs and cleans up.
final class CallMachine {
    /// The machine needs something the directory does not hold yet.
    struct Missing: Error, Equatable { let need: Directory.Need }

    var call: Call
    let directory: Directory
    let settings: CallSettings
    let now: Date
    private var ids: any IDSource
    private(set) var effects: [CallEffect] = []

    static func handle(
        _ call: Call, _ event: CallEvent, directory: Directory, settings: CallSettings, now: Date, ids: any IDSource = V7IDs()
    ) throws(Missing) -> (Call, Transition) {
        let machine = CallMachine(call: call, directory: directory, settings: settings, now: now, ids: ids)
        let refusal = try machine.apply(event)
        var transition = Transition(effects: machine.effects, refusal: refusal)
        if event == .decided, call.phase == .routing { transition.ringingTimeoutS = try machine.ringingBudget() }
        let after = machine.call
        if after.state != call.state || after.endReason != call.endReason || after.sipStatus != call.sipStatus {
            transition.effects.append(.notify)
        }
        return (after, transition)
    }

    private init(call: Call, directory: Directory, settings: CallSettings, now: Date, ids: any IDSource) {
        self.call = call
        self.directory = directory
        self.settings = settings
        self.now = now
        self.ids = ids
    }

    // MARK: - Events

    func apply(_ event: CallEvent) throws(Missing) -> CallRefusal? {
        switch event {
        case .decided:
            if call.phase == .routing && call.direction == .inbound { try startAction() }
        case .callerJoined(let status):
            try callerJoined(status: status)
        case .joined(let identity, let kind, let status):
            try joined(identity: identity, kind: kind, sipStatus: status)
        case .sipStatus(let identity, let status):
            if let leg = call.leg(identity: identity) { try sipStatus(of: leg, status) }
        case .left(let identity, let reason):
            try left(identity: identity, reason: reason)
        case .rejectedInRoom(let identity):
            // The call is over (refused); livekit-sip keeps the caller ringing until it is removed.
            if let caller = call.callerLeg, caller.identity == identity, caller.joinedAt == nil {
                updateLeg(caller.id) { $0.joinedAt = now }
                emit(.removeParticipant(identity: identity))
            }
        case .roomFinished:
            end(naturalEnd)
        case .roomGone:
            end(.roomGone)
        case .answer(let user):
            return answer(by: user)
        case .decline(let user):
            return try decline(by: user)
        case .hangUp:
            guard call.isLive else { return nil }
            end(.hangupByUser)
            effects.append(.deleteRoom)
        case .ringTimeout(let round):
            guard round == nil || round == call.ringRound, let extID = call.extensionID else { return nil }
            if call.phase == .ringing {
                stopRinging(reason: "timeout")
                try noAnswer(extension: extID, trigger: .noAnswer)
            } else if call.phase == .botDialing, let bot = call.firstLeg(.bot), bot.state == .dialing {
                // No agent took the dispatch in the extension's ring time: nobody answered.
                updateLeg(bot.id) { $0.fail(at: now, reason: "no agent joined within the ring timeout") }
                try noAnswer(extension: extID, trigger: .noAnswer)
            }
        case .browserGone(let identity, let present):
            browserGone(identity: identity, present: present)
        case .voicemailLimit:
            guard call.phase == .recording || call.phase == .greeting, let leg = call.voicemailLeg else { return nil }
            if let egress = leg.recordingRef { effects.append(.stopRecording(egressID: egress)) }
            end(.voicemail)
            effects.append(.deleteRoom)
        case .trackPublished(let identity):
            trackPublished(identity: identity)
        case .noAudio(let identity):
            try noAudio(identity: identity)
        case .callerNeverCame:
            guard call.isLive, call.direction == .inbound, !call.callerInRoom else { return nil }
            end(.callerGone)
        case .dialAnswered(let legID, let sipCallID):
            dialAnswered(legID, sipCallID: sipCallID)
        case .dialFailed(let legID, let sip, let detail):
            try dialFailed(legID, sipStatus: sip, detail: detail)
        case .dialCheck(let legID, let status):
            guard let leg = call.leg(id: legID), leg.state == .dialing || leg.state == .ringing else { return nil }
            switch status {
            case .active?: dialAnswered(legID, sipCallID: nil)
            case nil, .hangup?:
                try dialFailed(legID, sipStatus: nil, detail: "the dial ended while ScaiDial was not listening (LiveKit no longer has it)")
            default:
                // Still ringing: the dial's own answer should come; if not, LiveKit is asked again.
                emit(.schedule(.dialCheck(legID: legID), at: now.addingTimeInterval(30)))
            }
        case .botDispatchFailed(let legID, let detail):
            fail(.liveKitError, leg: legID, detail: detail)
        default:
            try voicemailOrRefer(event)
        }
        return nil
    }

    // MARK: - Routing: what the dialplan decided, then ringing and the fallbacks

    /// Carries out the matched rule's action.
    func startAction() throws(Missing) {
        switch try lookUp(\.rule, .rule) {
        case .ringExtension(let id)?:
            guard let ext = try lookUp(extension: id) else { return fail(.noRoute, detail: "the extension of the rule is gone") }
            try ring(ext)
        case .voicemail(let box)?:
            toVoicemail(box: box)
        case .forward(let target, let mode)?:
            try forward(to: target, mode: mode)
        case .hangup?, nil:
            // The rule changed or went since the decision: nothing left to do for this caller.
            fail(.noRoute, detail: "the rule that matched this call is gone")
        }
    }

    /// Rings a wave extension's online browsers (a bot extension gets its agent dispatched).
    func ring(_ ext: ExtensionFacts) throws(Missing) {
        if ext.type == .bot { return startBot(ext) }
        if let always = ext.forwardRules[.always] { return try follow(always, from: ext) }
        call.extensionID = ext.id
        call.phase = .ringing
        // Who answered this call and published no audio is not rung for it again.
        let failed = Set(call.legs.filter { $0.kind == .wave && $0.state == .failed }.compactMap(\.userID))
        let online = ext.users.filter { ext.online.contains($0) && !failed.contains($0) }
        // A user already on a call is busy (spec §3: `busy` when everyone declines or is on a call).
        let free = online.filter { !ext.busy.contains($0) }
        guard !free.isEmpty else { return try noAnswer(ext, trigger: online.isEmpty ? .unavailable : .busy) }
        call.ringRound += 1
        call.ring = RingRound(users: free)
        effects.append(.ring(users: free, extensionID: ext.id, number: ext.number, name: ext.name))
        effects.append(.schedule(.ringTimeout(round: call.ringRound), at: now.addingTimeInterval(TimeInterval(ext.ringTimeoutS))))
    }

    /// Stops the ring round, if there is one: the browsers still ringing hear `ring_cancelled`.
    func stopRinging(reason: String, except winner: UUID? = nil) {
        guard let ring = call.ring else { return }
        let users = ring.users.filter { $0 != winner && !ring.declined.contains($0) }
        if !users.isEmpty { effects.append(.cancelRing(users: users, reason: reason)) }
        effects.append(.cancel(.ringTimeout))
        call.ring = nil
    }

    func noAnswer(extension id: UUID, trigger: ForwardTrigger) throws(Missing) {
        guard let ext = try lookUp(extension: id) else { return hangUp(trigger == .busy ? .busy : .noAnswer) }
        try noAnswer(ext, trigger: trigger)
    }

    /// Nobody took the call: the extension's forward rule for `trigger`, else voicemail if the box
    /// is on, else the caller is hung up.
    func noAnswer(_ ext: ExtensionFacts, trigger: ForwardTrigger) throws(Missing) {
        if let rule = ext.forwardRules[trigger] { return try follow(rule, from: ext) }
        if ext.voicemailEnabled { return toVoicemail(box: ext.id) }
        hangUp(trigger == .busy ? .busy : .noAnswer)
    }

    func follow(_ rule: ForwardRuleFacts, from ext: ExtensionFacts) throws(Missing) {
        switch rule.targetType {
        case .number:
            guard let target = rule.target, !target.isEmpty else { return hangUp(.noAnswer) }
            // The extension forwarding is where the call goes should the forward fail (an `always`
            // rule forwards before the call ever rang there).
            try forward(to: target, mode: .bridge, from: ext.id)
        case .extension:
            guard call.hops < settings.maxHops, let id = rule.target.flatMap(UUID.init(uuidString:)),
                let next = try lookUp(extension: id)
            else { return hangUp(.tooManyHops) }
            call.hops += 1
            stopRinging(reason: "forwarded")
            try ring(next)
        case .voicemail:
            toVoicemail(box: rule.target.flatMap(UUID.init(uuidString:)) ?? ext.id)
        }
    }

    /// Ends an unanswered call: the room goes, and the caller with it. A caller livekit-sip has not
    /// yet put in a room is refused at the hook door with the status this records.
    func hangUp(_ reason: EndReason) {
        if !call.callerInRoom && call.direction == .inbound { call.sipStatus = call.sipStatus ?? reason.sipStatus }
        end(reason)
        effects.append(.deleteRoom)
    }

    func startBot(_ ext: ExtensionFacts) {
        guard call.firstLeg(.bot) == nil else { return }
        stopRinging(reason: "forwarded")
        call.extensionID = ext.id
        call.phase = .botDialing
        var leg = newLeg(.bot, key: "bot", destination: ext.targetRef)
        leg.extensionID = ext.id
        call.legs.append(leg)
        if call.callerInRoom { effects.append(.dispatchBot(legID: leg.id, agent: ext.targetRef ?? "")) }
        // An agent that never comes is nobody answering: the extension's ring time bounds the wait.
        call.ringRound += 1
        effects.append(.schedule(.ringTimeout(round: call.ringRound), at: now.addingTimeInterval(TimeInterval(ext.ringTimeoutS))))
    }

    /// Hands the call to the voicemail box `box`: a `voicemail` leg; the greeting starts once the
    /// caller is in the room.
    func toVoicemail(box: UUID) {
        guard call.voicemailLeg == nil else { return }
        stopRinging(reason: "voicemail")
        call.action = .voicemail
        call.extensionID = box
        call.phase = .greeting
        var leg = newLeg(.voicemail, key: "voicemail")
        leg.extensionID = box
        call.legs.append(leg)
        if call.callerInRoom { effects.append(.startGreeting(legID: leg.id, box: box)) }
    }

    /// `forward`: a second `sip` leg to the target. `bridge` dials it into the caller's room over the
    /// call's trunk; `refer` answers the caller with an announcement and transfers it (a job).
    func forward(to target: String, mode: ForwardMode, from forwarding: UUID? = nil) throws(Missing) {
        let key = "forward:\(mode.rawValue):\(target)"
        guard !call.legs.contains(where: { $0.key == key }) else { return }
        let from = forwarding ?? call.extensionID
        stopRinging(reason: "forwarded")
        call.action = .forward
        call.phase = .forwarding
        var leg = newLeg(.sip, key: key, destination: target)
        // The extension whose rule forwarded: where the call goes if the forward fails.
        leg.extensionID = from
        // A bridge's target joins the room under this identity; a REFER's never does.
        // (The UUID's random tail: its head is a timestamp, alike for two forwards of one call.)
        if mode == .bridge { leg.identity = "fwd_\(leg.id.uuidString.lowercased().suffix(12))" }
        call.legs.append(leg)
        if call.callerInRoom { try startForward(leg) }
    }

    func startForward(_ leg: Leg) throws(Missing) {
        let trunk = try lookUp(\.trunk, .trunk)
        guard let target = leg.destination else { return }
        // The tenant's outbound policy, as it stands now (it may have changed since the rule was
        // saved): a refused destination is a failed forward, which falls back like a busy one.
        let tenant = try lookUp(\.tenant, .tenant)
        if let refusal = tenant?.outbound?.refusal(forwardingTo: target) {
            let why = refusal.problem.detail ?? "the tenant's outbound policy refuses \(target)"
            return try forwardFailed(leg, sipStatus: nil, detail: "not dialled: \(why)", unanswered: false)
        }
        guard let identity = leg.identity else {
            // refer: the chime answers the caller (livekit-sip refuses a REFER before), the job transfers.
            guard let trunk else { return fail(.noTrunk, leg: leg.id, detail: "no trunk to address the transfer target with") }
            effects.append(.startAnnouncement(legID: leg.id))
            return effects.append(.schedule(.refer(legID: leg.id, transferTo: trunk.referTarget(target)), at: now))
        }
        guard let outbound = trunk?.outboundTrunkID else {
            return fail(.noTrunk, leg: leg.id, detail: "the call's trunk is not synced to LiveKit")
        }
        // Carriers often refuse foreign caller ids: present our DID unless policy says otherwise.
        let callerID = tenant?.forwardCallerID == "caller" && call.fromNumber.hasPrefix("+") ? call.fromNumber : call.toNumber
        effects.append(
            .dial(
                Dial(
                    legID: leg.id, trunk: outbound, to: target, callerID: callerID, identity: identity,
                    ringingTimeoutS: settings.forwardRingingTimeoutS, maxCallDurationS: tenant?.maxCallDurationS ?? 3600)))
    }

    // MARK: - How long livekit-sip must let the caller ring

    /// The hook door's `ringing_timeout` for a call ringing an extension: the longest chain of ring
    /// times its forward rules can lead through, plus a margin for what answers it at the end (a
    /// greeting, a bridged forward joining). nil for calls that do not ring an extension.
    func ringingBudget() throws(Missing) -> Int? {
        guard case .ringExtension(let id)? = try lookUp(\.rule, .rule), let ext = try lookUp(extension: id) else { return nil }
        return try Self.ringChainSeconds(ext, maxHops: settings.maxHops) { id throws(Missing) in try lookUp(extension: id) }
            + settings.ringingMarginS
    }

    /// The longest time a caller can ring from `ext` on: its ring time, then the longest of what its
    /// `no_answer`, `busy` and `unavailable` rules lead to (`always` instead of ringing here), up to
    /// `maxHops` forwards. A forward to a number or to voicemail answers the caller.
    static func ringChainSeconds(
        _ ext: ExtensionFacts, maxHops: Int, hops: Int = 0, lookUp: (UUID) throws(Missing) -> ExtensionFacts?
    ) throws(Missing) -> Int {
        if ext.type == .bot { return ext.ringTimeoutS }
        let triggers: [ForwardTrigger] = ext.forwardRules[.always] != nil ? [.always] : [.noAnswer, .busy, .unavailable]
        let here = ext.forwardRules[.always] != nil ? 0 : ext.ringTimeoutS
        var longest = 0
        guard hops < maxHops else { return here }
        for trigger in triggers {
            guard let rule = ext.forwardRules[trigger], rule.targetType == .extension,
                let next = try rule.target.flatMap(UUID.init(uuidString:)).flatMap(lookUp)
            else { continue }
            longest = max(longest, try ringChainSeconds(next, maxHops: maxHops, hops: hops + 1, lookUp: lookUp))
        }
        return here + longest
    }

    // MARK: - The caller arrives

    func callerJoined(status: SIPCallStatus?) throws(Missing) {
        guard let caller = call.callerLeg else { return }
        guard call.isLive else {
            // Too late: the call is over (its caller took too long to arrive, say). It must not stay.
            if caller.joinedAt == nil, let identity = caller.identity { emit(.removeParticipant(identity: identity)) }
            return
        }
        if caller.joinedAt == nil {
            updateLeg(caller.id) { $0.joinedAt = now }
            // The caller is here: the hook door's "caller never came" timer has nothing left to do
            // (it would still run a transaction 15 s later, for every call).
            emit(.cancel(.callerArrival))
            if call.phase == .routing {
                try startAction()
            } else if call.isLive {
                try resumeForCaller()
            }
        }
        if let status, let leg = call.callerLeg { try sipStatus(of: leg, status) }
    }

    /// What waited for the caller to be in the room starts now.
    func resumeForCaller() throws(Missing) {
        switch call.phase {
        case .botDialing:
            if let bot = call.firstLeg(.bot), bot.state == .dialing {
                effects.append(.dispatchBot(legID: bot.id, agent: bot.destination ?? ""))
            }
        case .greeting:
            if let leg = call.voicemailLeg, leg.state == .dialing, let box = leg.extensionID {
                effects.append(.startGreeting(legID: leg.id, box: box))
            }
        case .forwarding:
            if let leg = call.legs.last(where: { $0.kind == .sip && $0.key != Opening.callerKey }), leg.state == .dialing {
                try startForward(leg)
            }
        default:
            break
        }
    }

    // MARK: - Ending

    /// How a call that simply stopped ended: at the voicemail box, after an answer, or before one.
    var naturalEnd: EndReason {
        if call.action == .voicemail, call.voicemailLeg?.joinedAt != nil { return .voicemail }
        return call.answeredAt == nil ? .callerHangup : .completed
    }

    /// Ends a live call: its open legs end with it, ringing stops. Nothing once it is over.
    func end(_ reason: EndReason, failed: Bool = false) {
        guard call.isLive else { return }
        stopRinging(reason: reason.rawValue)
        call.phase = failed ? .failed : .ended
        call.endReason = reason
        call.endedAt = now
        for leg in call.legs where leg.state.isOpen {
            // An Ingress still playing (a greeting, a transfer announcement) would keep the room alive.
            if let ingress = leg.liveKitRef, !effects.contains(.deleteIngress(id: ingress)) { effects.append(.deleteIngress(id: ingress)) }
            updateLeg(leg.id) { $0.end(at: now) }
        }
    }

    /// Something refused or broke the call: the leg fails with the reason (and SIP status), the call
    /// fails, the room goes.
    func fail(_ reason: EndReason, leg legID: UUID? = nil, detail: String, sipStatus: Int? = nil) {
        guard call.isLive else { return }
        if let legID, let leg = call.leg(id: legID), leg.state.isOpen {
            // What the failing leg still plays (a greeting whose recording could not start) goes too.
            if let ingress = leg.liveKitRef { effects.append(.deleteIngress(id: ingress)) }
            updateLeg(legID) { $0.fail(at: now, reason: detail, sipStatus: sipStatus) }
        }
        if let sipStatus { call.sipStatus = sipStatus }
        end(reason, failed: true)
        effects.append(.deleteRoom)
    }

    /// The parties are connected (an inbound caller is answered by livekit-sip then, too).
    func connect() {
        guard call.isLive else { return }
        call.phase = .active
        call.answeredAt = call.answeredAt ?? now
        if let caller = call.callerLeg { updateLeg(caller.id) { $0.answer(at: now) } }
    }

    // MARK: - Helpers

    func newLeg(_ kind: LegKind, key: String?, destination: String? = nil) -> Leg {
        Leg(id: ids.next(now), kind: kind, state: .dialing, key: key, destination: destination, startedAt: now)
    }

    func newID() -> UUID { ids.next(now) }

    /// Changes the leg `id` (nothing when there is no such leg). The leg is changed as a copy, so the
    /// change may read the machine's own values (`now`).
    func updateLeg(_ id: UUID, _ change: (inout Leg) -> Void) {
        guard let index = call.legs.firstIndex(where: { $0.id == id }) else { return }
        var leg = call.legs[index]
        change(&leg)
        call.legs[index] = leg
    }

    func emit(_ effect: CallEffect) { effects.append(effect) }

    func lookUp<T>(_ path: KeyPath<Directory, T?>, _ need: Directory.Need) throws(Missing) -> T? {
        guard directory.loaded.contains(need) else { throw Missing(need: need) }
        return directory[keyPath: path]
    }

    /// The extension, nil when it does not exist (any more); throws when it was not looked up.
    func lookUp(extension id: UUID) throws(Missing) -> ExtensionFacts? {
        guard directory.loaded.contains(.extension(id)) else { throw Missing(need: .extension(id)) }
        return directory.extensions[id]
    }
}

/// Where new ids come from (time-ordered in production, counted in tests).
protocol IDSource: Sendable {
    func next(_ now: Date) -> UUID
}

struct V7IDs: IDSource {
    func next(_ now: Date) -> UUID { .v7(now: now) }
}
