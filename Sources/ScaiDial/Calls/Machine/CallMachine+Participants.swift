import Foundation
import LiveKit

/// Participants joining, publishing and leaving, dials answering or failing, and what users do:
/// answer, decline, come back.
extension CallMachine {
    func joined(identity: String, kind: ParticipantKind, sipStatus status: SIPCallStatus?) throws(Missing) {
        if kind == .sip, let caller = call.callerLeg, caller.identity == identity { return try callerJoined(status: status) }
        guard call.isLive else { return }
        switch kind {
        case .agent:
            // Agents pick their own identity: the call's bot leg is the one waiting for it.
            guard let bot = call.legs.first(where: { $0.kind == .bot && $0.state == .dialing }) else { return }
            updateLeg(bot.id) {
                $0.identity = identity
                $0.joinedAt = now
                $0.answer(at: now)
            }
            if call.phase == .botDialing {
                emit(.cancel(.ringTimeout))
                connect()
            }
        case .sip:
            // A callee or forward target: in the room before its INVITE (`dialing`), which is no answer.
            guard let leg = call.leg(identity: identity), leg.state.isOpen else { return }
            if leg.joinedAt == nil {
                updateLeg(leg.id) { $0.joinedAt = now }
                if leg.state == .dialing || leg.state == .ringing {
                    // Should the dial's own answer be lost (a restart), LiveKit is asked after the ring time.
                    let after = TimeInterval(
                        call.direction == .outbound ? settings.outboundRingingTimeoutS : settings.forwardRingingTimeoutS)
                    emit(.schedule(.dialCheck(legID: leg.id), at: now.addingTimeInterval(after + 30)))
                }
            }
            if call.direction == .outbound, call.phase == .routing { call.phase = .dialing }
            if let status { try sipStatus(of: leg, status) }
        case .standard:
            guard let leg = call.leg(identity: identity), leg.kind == .wave, leg.state.isOpen else { return }
            if leg.joinedAt != nil, leg.state == .answered {
                // Back within the rejoin grace: nothing ends.
                return emit(.cancel(.browserGone(identity: identity)))
            }
            updateLeg(leg.id) { $0.joinedAt = $0.joinedAt ?? now }
            // The user's own browser in the call they placed is their leg of it; an answering
            // browser counts only once its audio is published (`trackPublished`).
            if call.direction == .outbound, leg.userID == call.placedBy { updateLeg(leg.id) { $0.answer(at: now) } }
        default:
            break
        }
    }

    /// `track_published`: a browser's audio is the answer livekit-sip waits for (it answers the
    /// caller on the first audio it can subscribe to).
    func trackPublished(identity: String) {
        guard call.isLive, let leg = call.leg(identity: identity), leg.kind == .wave, leg.state.isOpen else { return }
        guard call.direction == .inbound, leg.userID == call.answeredBy, leg.state != .answered else { return }
        updateLeg(leg.id) {
            $0.joinedAt = $0.joinedAt ?? now
            $0.answer(at: now)
        }
        emit(.cancel(.noAudio(identity: identity)))
        if call.phase == .connecting { connect() }
    }

    /// The browser that answered has published no audio in time: its answer does not count. The
    /// ring goes on for the others (or the extension's next fallback), and that browser hears why.
    func noAudio(identity: String) throws(Missing) {
        guard call.isLive, call.phase == .connecting, let leg = call.leg(identity: identity), leg.kind == .wave,
            leg.state != .answered, let user = leg.userID, user == call.answeredBy, let extID = call.extensionID
        else { return }
        let joined = leg.joinedAt != nil
        updateLeg(leg.id) {
            $0.fail(
                at: now,
                reason: joined
                    ? "the browser joined but published no audio (microphone refused or failed)"
                    : "the browser that answered never joined the call")
        }
        call.answeredBy = nil
        emit(.cancelRing(users: [user], reason: "no_audio"))
        if joined { emit(.removeParticipant(identity: identity)) }
        guard let ext = try lookUp(extension: extID) else { return hangUp(.noAnswer) }
        try ring(ext)
    }

    /// `sip.callStatus` of a SIP leg: `ringing`, `active` (answered), `hangup`.
    func sipStatus(of leg: Leg, _ status: SIPCallStatus) throws(Missing) {
        guard call.isLive else { return }
        switch status {
        case .ringing:
            if leg.state == .dialing { updateLeg(leg.id) { $0.state = .ringing } }
        case .active:
            guard leg.state == .dialing || leg.state == .ringing else { return }
            updateLeg(leg.id) { $0.answer(at: now) }
            if leg.id == call.callerLeg?.id {
                // livekit-sip answered the caller: someone in the room spoke to it.
                guard [.routing, .ringing, .connecting].contains(call.phase) else { return }
                stopRinging(reason: "answered")
                connect()
            } else if [.routing, .dialing, .forwarding].contains(call.phase) {
                // The far end of a click-to-call, or a bridged forward target, answered.
                emit(.cancel(.dialCheck(legID: leg.id)))
                connect()
            }
        case .hangup:
            if let identity = leg.identity { try left(identity: identity, reason: nil) }
        case .dialing, .automation:
            break
        }
    }

    // MARK: - Dials

    /// The far end picked up (`CreateSIPParticipant` with `wait_until_answered` returned).
    func dialAnswered(_ legID: UUID, sipCallID: String?) {
        guard let leg = call.leg(id: legID) else { return }
        guard call.isLive else {
            // The call ended while the target's phone rang, and now it picked up: hang it up.
            if let identity = leg.identity { emit(.removeParticipant(identity: identity)) }
            return
        }
        guard leg.state == .dialing || leg.state == .ringing else { return }
        updateLeg(legID) { $0.answer(at: now) }
        if call.direction == .outbound, call.liveKitCallID == nil { call.liveKitCallID = sipCallID }
        emit(.cancel(.dialCheck(legID: legID)))
        connect()
    }

    /// A dial that did not connect. A click-to-call ends (`no_answer`) or fails (the carrier
    /// refused it, or LiveKit did); a bridged forward falls back (`forwardFailed`).
    func dialFailed(_ legID: UUID, sipStatus: Int?, detail: String) throws(Missing) {
        guard let leg = call.leg(id: legID) else { return }
        guard call.isLive, leg.state == .dialing || leg.state == .ringing else {
            // The participant's leaving (its webhook) came first and settled the leg; the dial's
            // answer still knows the SIP status, which the webhook does not carry. (A leg that was
            // answered — LiveKit said so when asked — is not failed by a late error of its dial.)
            guard let sipStatus, leg.sipStatus == nil, leg.state == .failed || leg.state == .ended, leg.answeredAt == nil else {
                return
            }
            updateLeg(legID) { $0.sipStatus = sipStatus }
            if !call.isLive, call.sipStatus == nil, leg.answeredAt == nil { call.sipStatus = sipStatus }
            return
        }
        emit(.cancel(.dialCheck(legID: legID)))
        let unanswered = sipStatus.map(Self.meansNoAnswer) ?? false
        guard call.direction == .inbound else {
            guard let sipStatus, unanswered else {
                return fail(sipStatus == nil ? .liveKitError : .carrierRejected, leg: legID, detail: detail, sipStatus: sipStatus)
            }
            updateLeg(legID) {
                $0.sipStatus = sipStatus
                $0.end(at: now, reason: detail)
            }
            call.sipStatus = sipStatus
            end(.noAnswer)
            return emit(.deleteRoom)
        }
        try forwardFailed(leg, sipStatus: sipStatus, detail: detail, unanswered: unanswered)
    }

    /// Whether a forward rule's number was dialed for this call already (a second dial would fail alike).
    func tried(_ rule: ForwardRuleFacts) -> Bool {
        guard rule.targetType == .number, let target = rule.target else { return false }
        return call.legs.contains { $0.kind == .sip && $0.destination == target && $0.id != call.callerLeg?.id }
    }

    /// 408 Request Timeout, 480 Temporarily Unavailable, 487 Request Terminated: nobody picked up.
    static func meansNoAnswer(_ status: Int) -> Bool { [408, 480, 487].contains(status) }

    /// A bridged forward that did not connect (busy, no answer, a carrier or LiveKit error). The
    /// caller (answered when the forward leg joined) goes on to the voicemail of the extension that
    /// forwarded, when its box is on; otherwise the call ends `forward_failed` and the caller is let go.
    func forwardFailed(_ leg: Leg, sipStatus: Int?, detail: String, unanswered: Bool) throws(Missing) {
        updateLeg(leg.id) {
            if unanswered {
                $0.sipStatus = sipStatus
                $0.end(at: now, reason: detail)
            } else {
                $0.fail(at: now, reason: detail, sipStatus: sipStatus)
            }
        }
        if let identity = leg.identity, leg.joinedAt != nil { emit(.removeParticipant(identity: identity)) }
        if let from = leg.extensionID, let ext = try lookUp(extension: from) {
            // The forwarding extension's own rule for what happened (busy, or nobody answered), if it
            // leads somewhere not tried yet; else its voicemail.
            let trigger: ForwardTrigger = unanswered ? .noAnswer : .busy
            if let rule = ext.forwardRules[trigger], !tried(rule) {
                return try follow(rule, from: ext)
            }
            if ext.voicemailEnabled, call.voicemailLeg == nil { return toVoicemail(box: ext.id) }
        }
        if let sipStatus { call.sipStatus = sipStatus }
        if let caller = call.callerLeg?.identity, call.callerInRoom { emit(.removeParticipant(identity: caller)) }
        end(.forwardFailed, failed: true)
        emit(.deleteRoom)
    }

    // MARK: - Leaving

    /// A participant left: its leg ends, and with it the call when the call cannot go on without
    /// it — except that a user's browser leaving a connected call may be a reload (`browserGone`).
    func left(identity: String, reason: DisconnectReason?) throws(Missing) {
        // The same participant joined again (another tab, a reloaded page): nobody left the call.
        guard reason != .duplicateIdentity, let leg = call.leg(identity: identity), leg.state.isOpen else { return }
        let usersBrowser = leg.kind == .wave && (leg.userID == call.answeredBy || leg.userID == call.placedBy)
        if usersBrowser, leg.state == .answered, call.phase == .active {
            let at = now.addingTimeInterval(settings.rejoinGrace)
            return emit(.schedule(.browserGone(identity: identity), at: at))
        }
        let isCaller = leg.id == call.callerLeg?.id
        let outbound = call.direction == .outbound
        let refused = reason == .userRejected || reason == .sipTrunkFailure
        if leg.kind == .sip, !isCaller, leg.state != .answered, !outbound, call.isLive {
            // A bridged forward target that went before answering: the forward failed.
            return try forwardFailed(leg, sipStatus: nil, detail: Self.unanswered(reason), unanswered: !refused)
        }
        if leg.state == .answered {
            updateLeg(leg.id) { $0.end(at: now) }
        } else if leg.kind == .sip && !isCaller {
            // A click-to-call's callee that went before answering: refused, or not reached.
            if refused {
                updateLeg(leg.id) { $0.fail(at: now, reason: Self.unanswered(reason)) }
            } else {
                updateLeg(leg.id) { $0.end(at: now, reason: Self.unanswered(reason)) }
            }
        } else {
            // The inbound caller gave up, or a browser or bot left before answering.
            updateLeg(leg.id) { $0.end(at: now, reason: isCaller ? nil : "left before answering") }
        }
        guard call.isLive else { return }
        if isCaller, call.referInFlight != nil {
            // The transfer's own answer says whether this was the REFER working or the caller
            // hanging up: the refer job reports it (`referred`, or `referFailed` → caller_hangup).
            return
        }
        if isCaller {
            // The room empties by itself; a recording still running is stopped.
            if let egress = call.voicemailLeg?.recordingRef { emit(.stopRecording(egressID: egress)) }
            return end(naturalEnd)
        }
        if !outbound {
            // The browser that answered, the bot, or a forward target left: the caller would be
            // left alone with silence, so the call ends and the room goes.
            switch leg.kind {
            case .wave where leg.userID == call.answeredBy: end(.hangupByUser)
            case .bot: end(call.answeredAt == nil ? .botLeft : .completed)
            case .sip: end(naturalEnd)
            default: return
            }
            return emit(.deleteRoom)
        }
        // A two-party outbound call: either side leaving ends it.
        guard leg.kind == .sip || leg.userID == call.placedBy else { return }
        if leg.kind == .sip, call.answeredAt == nil {
            end(refused ? .carrierRejected : .noAnswer, failed: refused)
        } else {
            end(naturalEnd)
        }
        emit(.deleteRoom)
    }

    /// Why a SIP participant left before the far end answered, in words for the record.
    static func unanswered(_ reason: DisconnectReason?) -> String {
        switch reason {
        case .userRejected?: "the callee rejected the call (busy or declined)"
        case .userUnavailable?: "the callee did not answer or could not be reached"
        case .sipTrunkFailure?: "the carrier trunk failed the call"
        default: "the call ended before the callee answered"
        }
    }

    func browserGone(identity: String, present: Bool) {
        guard !present, call.isLive, call.phase == .active, let leg = call.leg(identity: identity), leg.kind == .wave,
            leg.state == .answered, leg.userID == call.answeredBy || leg.userID == call.placedBy
        else { return }
        end(.hangupByUser)
        emit(.deleteRoom)
    }

    // MARK: - Users

    /// The first answer of a ring round wins; every other one, and any on a call that is no longer
    /// ringing for users (voicemail, a forward, a bot, over), is refused. The answer counts once
    /// the browser's audio is published; it has `answerAudioTimeout` for that.
    func answer(by user: UUID) -> CallRefusal? {
        guard call.isLive else { return .notRinging }
        guard call.phase == .ringing, call.answeredBy == nil else { return .notRinging }
        call.answeredBy = user
        let identity = JoinedCall.identity(of: user)
        var leg = newLeg(.wave, key: "wave:\(user.uuidString.lowercased()):\(call.ringRound)")
        leg.userID = user
        leg.extensionID = call.extensionID
        leg.identity = identity
        call.legs.append(leg)
        stopRinging(reason: "answered", except: user)
        call.phase = .connecting
        emit(.schedule(.noAudio(identity: identity), at: now.addingTimeInterval(settings.answerAudioTimeout)))
        return nil
    }

    /// A decline; when everyone rung has declined, the extension is `busy`.
    func decline(by user: UUID) throws(Missing) -> CallRefusal? {
        guard call.phase == .ringing, var ring = call.ring else { return .notRinging }
        emit(.cancelRing(users: [user], reason: "declined"))
        guard ring.users.contains(user), !ring.declined.contains(user) else { return nil }
        ring.declined.insert(user)
        call.ring = ring
        guard ring.allDeclined, let extID = call.extensionID else { return nil }
        stopRinging(reason: "declined")
        try noAnswer(extension: extID, trigger: .busy)
        return nil
    }
}
