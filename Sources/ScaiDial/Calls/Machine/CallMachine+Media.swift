import Foundation

/// Voicemail (greeting and recording → message) and `refer` forwards: the steps whose progress
/// comes from LiveKit's Ingress and Egress and from the refer job.
///
/// The recording starts with the greeting (a participant Egress of the caller, started as soon as
/// the greeting's Ingress is in the room), so the first words after the tone are never lost; a
/// message therefore begins with the caller's silence during the greeting (at most its length).
/// The greeting's end (`ingress_ended`) is what makes it a message: a caller who hangs up before
/// leaves none.
extension CallMachine {
    /// Recordings shorter than this leave no message.
    static let minimumMessageSeconds = 1.0

    static func storageKey(tenant: UUID, box: UUID, call: UUID) -> String {
        "voicemail/\(tenant.uuidString.lowercased())/\(box.uuidString.lowercased())/\(call.uuidString.lowercased()).ogg"
    }

    func voicemailOrRefer(_ event: CallEvent) throws(Missing) {
        switch event {
        case .greetingStarted(let legID, let ingressID):
            greetingStarted(legID, ingressID: ingressID)
        case .greetingFailed(let legID, let detail):
            fail(.voicemailFailed, leg: legID, detail: "the greeting could not be played: \(detail)")
        case .ingressEnded(let ingressID):
            ingressEnded(ingressID)
        case .recordingStarted(let legID, let egressID, let key):
            guard call.leg(id: legID)?.kind == .voicemail else { return }
            updateLeg(legID) {
                $0.recordingRef = egressID
                $0.destination = key
            }
            if !call.isLive { emit(.stopRecording(egressID: egressID)) }
        case .recordingFailed(let legID, let detail):
            fail(.voicemailFailed, leg: legID, detail: "the recording could not start: \(detail)")
        case .egressEnded(let outcome):
            recordingEnded(outcome)
        case .announcementStarted(let legID, let ingressID):
            guard call.isLive, let leg = call.leg(id: legID), leg.state == .dialing || leg.state == .ringing else {
                return emit(.deleteIngress(id: ingressID))
            }
            updateLeg(legID) {
                $0.liveKitRef = ingressID
                if $0.state == .dialing { $0.state = .ringing }
            }
        case .announcementFailed(let legID, let detail):
            fail(.liveKitError, leg: legID, detail: "the transfer announcement could not be played: \(detail)")
        case .referCallerAnswered:
            // The announcement made livekit-sip answer the caller.
            if call.phase == .forwarding { connect() }
        case .referred(let legID):
            guard call.isLive else { return }
            updateLeg(legID) { $0.answer(at: now) }
            takeDownAnnouncement(legID)
            // The caller now talks to the target outside LiveKit: this call has run its course here.
            end(.transferred)
        case .referFailed(let legID, let reason, let sip, let detail):
            try referFailed(legID, reason: reason, sipStatus: sip, detail: detail)
        case .referCallerGone(let legID):
            takeDownAnnouncement(legID)
            end(.callerHangup)
        default:
            break
        }
    }

    private func takeDownAnnouncement(_ legID: UUID) {
        guard let ingress = call.leg(id: legID)?.liveKitRef, call.isLive else { return }
        emit(.deleteIngress(id: ingress))
    }

    /// A REFER that did not go through. A carrier that does not do REFER at all (405 Method Not
    /// Allowed, 501 Not Implemented) gets the number bridged instead; anything else fails the call.
    private func referFailed(_ legID: UUID, reason: EndReason, sipStatus: Int?, detail: String) throws(Missing) {
        guard call.isLive, let leg = call.leg(id: legID), leg.state.isOpen else { return }
        takeDownAnnouncement(legID)
        if let caller = call.callerLeg, !caller.state.isOpen {
            // The caller left while the REFER was under way, and it did not go through: they hung up.
            updateLeg(legID) { $0.fail(at: now, reason: detail, sipStatus: sipStatus) }
            return end(.callerHangup)
        }
        if let sipStatus, [405, 501].contains(sipStatus), let target = leg.destination, target.hasPrefix("+") {
            updateLeg(legID) {
                $0.fail(at: now, reason: "\(detail); the carrier does not take REFER, so the number is bridged", sipStatus: sipStatus)
            }
            return try forward(to: target, mode: .bridge)
        }
        fail(reason, leg: legID, detail: detail, sipStatus: sipStatus)
    }

    /// The greeting plays: the recording starts with it.
    private func greetingStarted(_ legID: UUID, ingressID: String) {
        guard call.isLive else { return emit(.deleteIngress(id: ingressID)) }
        guard let leg = call.leg(id: legID), leg.state == .dialing, let box = leg.extensionID, let caller = call.callerLeg?.identity else {
            return
        }
        updateLeg(legID) {
            $0.state = .ringing
            $0.liveKitRef = ingressID
            $0.joinedAt = now
        }
        emit(.startRecording(legID: legID, callerIdentity: caller, key: Self.storageKey(tenant: call.tenantID, box: box, call: call.id)))
        emit(.schedule(.voicemailLimit, at: now.addingTimeInterval(settings.voicemailMax + Self.greetingAllowance)))
    }

    /// A greeting may take this long on top of the longest message (the limit counts from its start).
    static let greetingAllowance: TimeInterval = 60

    /// `ingress_ended`: a greeting is over (the caller is recorded from here on), or a refer
    /// forward's chime ended while the transfer still waits (it plays again).
    private func ingressEnded(_ ingressID: String) {
        guard let leg = call.legs.first(where: { $0.liveKitRef == ingressID }) else { return }
        if leg.kind == .sip {
            guard call.isLive, leg.state == .ringing else { return }
            updateLeg(leg.id) { $0.liveKitRef = nil }
            return emit(.startAnnouncement(legID: leg.id))
        }
        guard leg.kind == .voicemail else { return }
        guard call.isLive else {
            guard leg.failureReason == nil else { return }
            return updateLeg(leg.id) {
                $0.end(at: now)
                $0.failureReason = "the caller hung up during the greeting"
                $0.liveKitRef = nil
            }
        }
        guard leg.state == .ringing else { return }
        updateLeg(leg.id) {
            $0.liveKitRef = nil
            $0.answer(at: now)
        }
        // The caller is connected (to the voicemail box).
        call.phase = .recording
        call.answeredAt = call.answeredAt ?? now
        if let caller = call.callerLeg { updateLeg(caller.id) { $0.answer(at: now) } }
    }

    /// `egress_ended`: the recording becomes a message, once; an empty or failed one is noted on
    /// the leg. Often arrives after the caller left and the call ended.
    private func recordingEnded(_ outcome: EgressOutcome) {
        guard let leg = call.legs.first(where: { $0.kind == .voicemail && $0.recordingRef == outcome.egressID }),
            let box = leg.extensionID
        else { return }
        emit(.cancel(.voicemailLimit))
        updateLeg(leg.id) { $0.recordingRef = nil }
        let key = leg.destination ?? Self.storageKey(tenant: call.tenantID, box: box, call: call.id)
        guard outcome.complete else {
            emit(.discardRecording(key: key))  // whatever part of it was written
            return updateLeg(leg.id) {
                $0.state = .failed
                $0.failureReason = "recording failed: \(outcome.error ?? "unknown")"
                $0.endedAt = $0.endedAt ?? now
            }
        }
        guard leg.answeredAt != nil else {
            // The greeting never finished: nothing was said after the tone, and the greeting's
            // seconds that were recorded are nobody's message.
            emit(.discardRecording(key: key))
            return updateLeg(leg.id) {
                $0.end(at: now)
                $0.failureReason = $0.failureReason ?? "the caller hung up during the greeting"
            }
        }
        guard outcome.sizeBytes > 0, outcome.seconds >= Self.minimumMessageSeconds else {
            emit(.discardRecording(key: key))
            return updateLeg(leg.id) {
                $0.end(at: now)
                $0.failureReason = "empty recording (\(String(format: "%.1f", outcome.seconds)) s): no message"
            }
        }
        let message = VoicemailDraft(
            id: newID(), box: box, storageKey: key,
            seconds: outcome.seconds, sizeBytes: outcome.sizeBytes)
        updateLeg(leg.id) { $0.end(at: now) }
        emit(.storeMessage(message))
        emit(.messageStored(message))
    }
}
