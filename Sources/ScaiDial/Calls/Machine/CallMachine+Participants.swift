import Foundation
import LiveKit

/// Participants joining and leaving, and what users do: answer, decline, come back.
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
            if call.phase == .botDialing { connect() }
        case .sip:
            guard let leg = call.leg(identity: identity) else { return }
            updateLeg(leg.id) { $0.joinedAt = $0.joinedAt ?? now }
            if let status { sipStatus(of: leg, status) }
        case .standard:
            guard let leg = call.leg(identity: identity), leg.kind == .wave else { return }
            if leg.state == .answered {
                // Back within the rejoin grace: nothing ends.
                return emit(.cancel(.browserGone(identity: identity)))
            }
            updateLeg(leg.id) {
                $0.joinedAt = $0.joinedAt ?? now
                $0.answer(at: now)
            }
            // An outbound call is answered by the far end, not by its own browser joining.
            if call.direction == .inbound, call.phase == .connecting, leg.userID == call.answeredBy { connect() }
        default:
            break
        }
    }

    /// `sip.callStatus` of a SIP leg: `ringing`, `active` (answered), `hangup`.
    func sipStatus(of leg: Leg, _ status: SIPCallStatus) {
        guard call.isLive else { return }
        switch status {
        case .ringing:
            if leg.state == .dialing { updateLeg(leg.id) { $0.state = .ringing } }
        case .active:
            guard leg.state == .dialing || leg.state == .ringing else { return }
            updateLeg(leg.id) { $0.answer(at: now) }
            if leg.id == call.callerLeg?.id {
                // livekit-sip answered the caller: someone in the room spoke to it.
                guard [.routing, .ringing, .connecting, .greeting].contains(call.phase) else { return }
                stopRinging(reason: "answered")
                connect()
            } else if [.routing, .dialing, .forwarding].contains(call.phase) {
                // The far end of a click-to-call, or a bridged forward target, answered.
                connect()
            }
        case .hangup:
            if let identity = leg.identity { left(identity: identity, reason: nil) }
        default:
            break
        }
    }

    /// A participant left: its leg ends, and with it the call when the call cannot go on without
    /// it — except that a user's browser leaving a connected call may be a reload (`browserGone`).
    func left(identity: String, reason: DisconnectReason?) {
        // The same participant joined again (another tab, a reloaded page): nobody left the call.
        guard reason != .duplicateIdentity, let leg = call.leg(identity: identity), leg.state.isOpen else { return }
        let usersBrowser = leg.kind == .wave && (leg.userID == call.answeredBy || leg.userID == call.placedBy)
        if usersBrowser, leg.state == .answered, call.phase == .active {
            let at = now.addingTimeInterval(settings.rejoinGrace)
            return emit(.schedule(.browserGone(identity: identity), at: at))
        }
        let isCaller = leg.id == call.callerLeg?.id
        let outbound = call.direction == .outbound
        if leg.state == .answered {
            updateLeg(leg.id) { $0.end(at: now) }
        } else if leg.kind == .sip && !isCaller {
            // A callee or forward target that went before answering: refused, or not reached.
            let refused = reason == .userRejected || reason == .sipTrunkFailure
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
        if isCaller {
            // The room empties by itself; a recording still running is stopped.
            if let vm = call.voicemailLeg, vm.state == .answered, let egress = vm.liveKitRef {
                emit(.stopRecording(egressID: egress))
            }
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
            let refused = reason == .userRejected || reason == .sipTrunkFailure
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
    /// ringing for users (voicemail, a forward, a bot, over), is refused.
    func answer(by user: UUID) -> CallRefusal? {
        guard call.isLive else { return .notRinging }
        guard call.phase == .ringing, call.answeredBy == nil else { return .notRinging }
        call.answeredBy = user
        var leg = newLeg(.wave, key: "wave:\(user.uuidString.lowercased())")
        leg.userID = user
        leg.extensionID = call.extensionID
        leg.identity = JoinedCall.identity(of: user)
        call.legs.append(leg)
        stopRinging(reason: "answered", except: user)
        call.phase = .connecting
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
