import FluentKit
import Foundation
import LiveKit

/// Moves legs and calls through their states. Every transition is guarded by the current state,
/// so repeated or late webhooks change nothing (an ended call keeps how it ended).
struct CallLifecycle {
    let db: any Database

    /// `sip.callStatus` of a SIP participant: `ringing` / `active` (answered) / `hangup`.
    func sipStatus(room: String, identity: String?, status: String?) async throws {
        guard let identity, let status, let call = try await CallModel.query(on: db).filter(\.$roomName == room).first(),
            let leg = try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$participantIdentity == identity)
                .first()
        else { return }
        let now = Date()
        switch status {
        case "active":
            guard ["dialing", "ringing"].contains(leg.state) else { return }
            leg.state = "answered"
            leg.answeredAt = now
            try await leg.update(on: db)
            if [CallState.routing.rawValue, CallState.ringing.rawValue].contains(call.state) {
                call.state = CallState.active.rawValue
                call.answeredAt = now
                try await call.update(on: db)
            }
        case "ringing", "dialing":
            if leg.state == "dialing" && status == "ringing" {
                leg.state = "ringing"
                try await leg.update(on: db)
            }
        case "hangup":
            try await left(room: room, identity: identity)
        default: break
        }
    }

    /// A non-SIP participant (browser, bot) joined: its leg is answered and the call is active.
    func joined(room: String, identity: String?, kind: ParticipantKind) async throws {
        guard let identity, let call = try await CallModel.query(on: db).filter(\.$roomName == room).first(),
            CallState.live.contains(call.state)
        else { return }
        let now = Date()
        var leg = try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$participantIdentity == identity)
            .first()
        if leg == nil, kind == .agent {
            // Agents pick their own identity: the call's bot leg is the one waiting for it.
            leg = try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$kind == "bot")
                .filter(\.$state == "dialing").first()
            leg?.participantIdentity = identity
        }
        guard let leg, ["dialing", "ringing"].contains(leg.state) else { return }
        leg.state = "answered"
        leg.answeredAt = now
        try await leg.update(on: db)
        // An outbound call is answered by the far end (its SIP participant), not by the browser
        // that placed it joining its own room.
        if call.direction != CallDirection.outbound.rawValue, call.state != CallState.active.rawValue {
            call.state = CallState.active.rawValue
            call.answeredAt = now
            try await call.update(on: db)
        }
    }

    /// What a participant leaving did to its call.
    enum LeftOutcome: Equatable {
        case unchanged
        /// The call is over.
        case ended
        /// The browser of a connected call's user left; it may come back (`BrowserGoneHandler`).
        case away(callID: UUID)
    }

    /// A participant left: its leg ends. An inbound caller leaving ends the call; so does either
    /// party of an outbound call leaving (a two-party call), and the browser or bot that answered
    /// an inbound call — except that a user's browser leaving a connected call is only `away`.
    @discardableResult
    func left(room: String, identity: String, reason: DisconnectReason? = nil) async throws -> LeftOutcome {
        // The same participant joined again (another tab, a reloaded page): LiveKit let the old
        // session go, but nobody left the call.
        guard reason != .duplicateIdentity else { return .unchanged }
        guard let call = try await CallModel.query(on: db).filter(\.$roomName == room).first(),
            let leg = try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$participantIdentity == identity)
                .first(),
            ["dialing", "ringing", "answered"].contains(leg.state)
        else { return .unchanged }
        // A user's browser leaving a connected call may be a reload: the leg stays answered and the
        // call waits a moment for it to come back.
        let usersBrowser = leg.kind == "wave" && (leg.userID == call.answeredByUserID || leg.userID == call.placedByUserID)
        if usersBrowser, leg.state == "answered", call.state == CallState.active.rawValue { return .away(callID: try call.requireID()) }
        let now = Date()
        let outbound = call.direction == CallDirection.outbound.rawValue
        leg.state = leg.state == "answered" ? "ended" : "failed"
        if leg.state == "failed" { leg.failureReason = outbound && leg.kind == "sip" ? Self.unanswered(reason) : "left before answering" }
        leg.endedAt = now
        try await leg.update(on: db)
        guard CallState.live.contains(call.state) else { return .unchanged }
        if call.direction == "inbound" && leg.kind == "sip" {
            try await end(call, now: now)
            return .ended
        }
        // The browser that answered, or the bot, left: the caller would be left alone with silence.
        if call.direction == "inbound", (leg.kind == "wave" && leg.userID == call.answeredByUserID) || leg.kind == "bot" {
            try await end(call, now: now, reason: leg.kind == "wave" ? "hangup_by_user" : call.answeredAt == nil ? "bot_left" : "completed")
            return .ended
        }
        guard outbound, leg.kind == "sip" || leg.userID == call.placedByUserID else { return .unchanged }
        if leg.kind == "sip", call.answeredAt == nil {
            // The far end never answered: refused (busy, declined, the trunk failed) or not reached.
            let refused = [DisconnectReason.userRejected, .sipTrunkFailure].contains(reason)
            try await end(call, now: now, reason: refused ? "carrier_rejected" : "no_answer", state: refused ? .failed : .ended)
        } else {
            try await end(call, now: now)
        }
        return .ended
    }

    /// Why an outbound SIP participant left before the far end answered, in words for the record.
    static func unanswered(_ reason: DisconnectReason?) -> String {
        switch reason {
        case .userRejected?: "the callee rejected the call (busy or declined)"
        case .userUnavailable?: "the callee did not answer or could not be reached"
        case .sipTrunkFailure?: "the carrier trunk failed the call"
        default: "the call ended before the callee answered"
        }
    }

    func roomFinished(room: String) async throws {
        guard let call = try await CallModel.query(on: db).filter(\.$roomName == room).first() else { return }
        try await end(call, now: Date())
    }

    /// Ends a live call with the reason its history implies: `completed` once answered, else `caller_hangup`.
    func end(_ call: CallModel, now: Date, reason: String? = nil, state: CallState = .ended) async throws {
        guard CallState.live.contains(call.state) else { return }
        // A call whose caller reached voicemail (its greeting started) ran its course there.
        let reachedVoicemail =
            call.action == "voicemail"
            ? try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$kind == "voicemail")
                .filter(\.$livekitRef != nil).count() > 0 : false
        call.endReason = reason ?? (reachedVoicemail ? "voicemail" : call.answeredAt == nil ? "caller_hangup" : "completed")
        call.state = state.rawValue
        call.endedAt = now
        try await call.update(on: db)
        try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$state ~~ ["dialing", "ringing", "answered"])
            .set(\.$endedAt, to: now).set(\.$state, to: "ended").update()
    }
}
