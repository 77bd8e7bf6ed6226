import Foundation

/// Voicemail (greeting → recording → message) and `refer` forwards: the steps whose progress comes
/// from LiveKit's Ingress and Egress and from the refer job.
extension CallMachine {
    /// Recordings shorter than this leave no message.
    static let minimumMessageSeconds = 1.0

    static func storageKey(tenant: UUID, box: UUID, call: UUID) -> String {
        "voicemail/\(tenant.uuidString.lowercased())/\(box.uuidString.lowercased())/\(call.uuidString.lowercased()).ogg"
    }

    func voicemailOrRefer(_ event: CallEvent) throws(Missing) {
        switch event {
        case .greetingStarted(let legID, let ingressID):
            guard call.isLive else { return emit(.deleteIngress(id: ingressID)) }
            guard call.leg(id: legID)?.state == .dialing else { return }
            updateLeg(legID) {
                $0.state = .ringing
                $0.liveKitRef = ingressID
                $0.joinedAt = now
            }
        case .greetingFailed(let legID, let detail):
            fail(.voicemailFailed, leg: legID, detail: "the greeting could not be played: \(detail)")
        case .ingressEnded(let ingressID):
            greetingEnded(ingressID)
        case .recordingStarted(let legID, let egressID, let key):
            recordingStarted(legID, egressID: egressID, key: key)
        case .recordingFailed(let legID, let detail):
            fail(.voicemailFailed, leg: legID, detail: "the recording could not start: \(detail)")
        case .egressEnded(let outcome):
            recordingEnded(outcome)
        case .announcementStarted(let legID, let ingressID):
            guard call.isLive else { return emit(.deleteIngress(id: ingressID)) }
            updateLeg(legID) {
                $0.liveKitRef = $0.liveKitRef ?? ingressID
                if $0.state == .dialing { $0.state = .ringing }
            }
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
            takeDownAnnouncement(legID)
            fail(reason, leg: legID, detail: detail, sipStatus: sip)
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

    /// `ingress_ended` of a greeting: record the caller (or note that it hung up meanwhile).
    private func greetingEnded(_ ingressID: String) {
        guard let leg = call.legs.first(where: { $0.kind == .voicemail && $0.liveKitRef == ingressID }) else { return }
        guard call.isLive else {
            guard leg.failureReason == nil else { return }
            return updateLeg(leg.id) {
                $0.end(at: now)
                $0.failureReason = "the caller hung up during the greeting"
                $0.liveKitRef = nil
            }
        }
        guard leg.state == .ringing, let caller = call.callerLeg?.identity, let box = leg.extensionID else { return }
        // The greeting's ingress is done; the recording's egress takes its place.
        updateLeg(leg.id) { $0.liveKitRef = nil }
        emit(.startRecording(legID: leg.id, callerIdentity: caller, key: Self.storageKey(tenant: call.tenantID, box: box, call: call.id)))
    }

    private func recordingStarted(_ legID: UUID, egressID: String, key: String) {
        guard let leg = call.leg(id: legID), leg.kind == .voicemail else { return }
        updateLeg(legID) {
            $0.liveKitRef = egressID
            $0.destination = key
        }
        guard call.isLive else { return emit(.stopRecording(egressID: egressID)) }
        updateLeg(legID) { $0.answer(at: now) }
        // The caller is connected (to the voicemail box).
        if let caller = call.callerLeg { updateLeg(caller.id) { $0.answer(at: now) } }
        call.phase = .recording
        call.answeredAt = call.answeredAt ?? now
        emit(.schedule(.voicemailLimit, at: now.addingTimeInterval(settings.voicemailMax)))
    }

    /// `egress_ended`: the recording becomes a message, once; an empty or failed one is noted on
    /// the leg. Often arrives after the caller left and the call ended.
    private func recordingEnded(_ outcome: EgressOutcome) {
        guard let leg = call.legs.first(where: { $0.kind == .voicemail && $0.liveKitRef == outcome.egressID }), let box = leg.extensionID
        else { return }
        emit(.cancel(.voicemailLimit))
        guard outcome.complete else {
            return updateLeg(leg.id) {
                $0.state = .failed
                $0.failureReason = "recording failed: \(outcome.error ?? "unknown")"
                $0.endedAt = $0.endedAt ?? now
                $0.liveKitRef = nil
            }
        }
        guard outcome.sizeBytes > 0, outcome.seconds >= Self.minimumMessageSeconds else {
            return updateLeg(leg.id) {
                $0.end(at: now)
                $0.failureReason = "empty recording (\(String(format: "%.1f", outcome.seconds)) s): no message"
                $0.liveKitRef = nil
            }
        }
        let message = VoicemailDraft(
            id: newID(), box: box, storageKey: leg.destination ?? Self.storageKey(tenant: call.tenantID, box: box, call: call.id),
            seconds: outcome.seconds, sizeBytes: outcome.sizeBytes)
        updateLeg(leg.id) {
            $0.end(at: now)
            $0.liveKitRef = nil
        }
        emit(.storeMessage(message))
        emit(.messageStored(message))
    }
}
