import FluentKit
import Foundation
import LiveKit
import Logging

/// The voicemail action (spec §4.1 step 3): greeting → recording → message.
///
/// 1. `begin` — once the caller is in the room, a LiveKit URL Ingress plays the box's greeting from
///    a short-lived signed URL (its audio is what makes livekit-sip answer the caller). The
///    voicemail leg is `ringing` and holds the ingress id.
/// 2. `ingress_ended` — the greeting is over: a participant Egress records the caller into the
///    configured storage. The leg is `answered` and holds the egress id; a durable timer stops the
///    recording (and hangs up) at the maximum message length.
/// 3. `egress_ended` — the recording's file becomes a `VoicemailMessage`, exactly once per call;
///    an empty or failed recording is noted on the leg instead.
struct VoicemailFlow: VoicemailHandover {
    let persistence: Persistence
    let liveKit: (any LiveKitAPI)?
    let hub: EventHub
    let jobs: JobWorker
    let links: MediaLinks
    /// Where Egress writes a recording stored under `key` (the storage's own output settings).
    let egressOutput: @Sendable (_ key: String) -> EncodedFileOutput
    let maxMessage: Duration
    let logger: Logger
    /// Called with each new message (transcription hooks in here).
    var messageStored: @Sendable (VoicemailMessageModel) async throws -> Void = { _ in }

    static let minimumSeconds = 1.0

    var db: any Database { persistence.db }

    static func greetingPath(box: UUID) -> String { "/media/greetings/\(box.uuidString)" }
    static func storageKey(tenant: UUID, box: UUID, call: UUID) -> String {
        "voicemail/\(tenant.uuidString.lowercased())/\(box.uuidString.lowercased())/\(call.uuidString.lowercased()).ogg"
    }

    // MARK: 1. greeting

    func begin(callID: UUID, box: UUID, roomName: String) async throws {
        guard let call = try await CallModel.find(callID, on: db), CallState.live.contains(call.state),
            let leg = try await voicemailLeg(callID), leg.state == "dialing", leg.livekitRef == nil
        else { return }
        guard let liveKit else {
            // Without LiveKit no call reaches a room; the call waits like every other one would.
            logger.warning("voicemail needs LiveKit: LIVEKIT_URL is not set", metadata: ["call_id": "\(callID)"])
            return
        }
        // The caller must be in the room to hear the greeting; if it is not yet (the hook door),
        // its participant_joined webhook calls `begin` again.
        guard let caller = try await callerIdentity(callID),
            try await liveKit.listParticipants(room: roomName).contains(where: { $0.identity == caller })
        else { return }
        do {
            let ingress = try await liveKit.createIngress(
                CreateIngressRequest(
                    inputType: .url, url: links.sign(Self.greetingPath(box: box)),
                    name: "scaidial-greeting-\(callID.uuidString.lowercased())",
                    roomName: roomName, participantIdentity: "vm_greeting_\(callID.uuidString.lowercased().prefix(8))",
                    participantName: "Voicemail greeting"))
            leg.livekitRef = ingress.ingressId
            leg.state = "ringing"
            try await leg.update(on: db)
        } catch let error as LiveKitError {
            try await fail(call, leg, "the greeting could not be played: \(error.description)")
        }
    }

    // MARK: 2. recording

    /// `ingress_ended` of a greeting: start recording the caller.
    func greetingEnded(ingressID: String) async throws {
        guard let leg = try await CallLegModel.query(on: db).filter(\.$kind == "voicemail").filter(\.$livekitRef == ingressID).first(),
            let call = try await CallModel.find(leg.callID, on: db)
        else { return }
        guard CallState.live.contains(call.state) else {
            // The caller hung up during the greeting: nothing to record.
            guard leg.failureReason == nil else { return }
            leg.state = "ended"
            leg.failureReason = "the caller hung up during the greeting"
            leg.endedAt = leg.endedAt ?? Date()
            return try await leg.update(on: db)
        }
        guard leg.state == "ringing" else { return }
        guard let liveKit, let caller = try await callerIdentity(try call.requireID()), let box = leg.extensionID else { return }
        let key = Self.storageKey(tenant: call.tenantID, box: box, call: try call.requireID())
        do {
            let egress = try await liveKit.startParticipantEgress(
                ParticipantEgressRequest(roomName: call.roomName, identity: caller, fileOutputs: [egressOutput(key)]))
            let now = Date()
            leg.livekitRef = egress.egressId
            leg.state = "answered"
            leg.answeredAt = now
            leg.destination = key
            try await leg.update(on: db)
            // The caller is connected (to the voicemail box).
            if call.answeredAt == nil {
                call.answeredAt = now
                call.state = CallState.active.rawValue
                try await call.update(on: db)
            }
            try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$kind == "sip")
                .filter(\.$participantIdentity == caller).filter(\.$state ~~ ["dialing", "ringing"])
                .set(\.$state, to: "answered").set(\.$answeredAt, to: now).update()
            try await JobQueue.enqueue(
                VoicemailLimitHandler.kind,
                payload: VoicemailLimitHandler.Payload(callID: try call.requireID(), egressID: egress.egressId ?? ""),
                dedupeKey: "voicemail_limit:\(try call.requireID())", tenantID: call.tenantID,
                runAt: now.addingTimeInterval(Double(maxMessage.components.seconds)), on: db)
            jobs.wake()
        } catch let error as LiveKitError {
            try await fail(call, leg, "the recording could not start: \(error.description)")
        }
    }

    /// The caller left: a recording still running is stopped (LiveKit ends a participant egress
    /// when its participant leaves; this makes sure).
    func callerLeft(callID: UUID) async throws {
        guard let leg = try await voicemailLeg(callID), let ref = leg.livekitRef, ref.hasPrefix("EG_"), let liveKit else { return }
        _ = try? await liveKit.stopEgress(id: ref)
    }

    // MARK: 3. the message

    /// `egress_ended`: the recording becomes a message, once.
    func recordingEnded(_ info: EgressInfo) async throws {
        guard let egressID = info.egressId,
            let leg = try await CallLegModel.query(on: db).filter(\.$kind == "voicemail").filter(\.$livekitRef == egressID).first(),
            let call = try await CallModel.find(leg.callID, on: db), let box = leg.extensionID
        else { return }
        let file = info.fileResults?.first
        let seconds = Double(file?.duration ?? 0) / 1e9
        let size = Int(file?.size ?? 0)
        let now = Date()
        guard info.status == .complete || info.status == .limitReached else {
            leg.state = "failed"
            leg.failureReason = "recording failed: \(info.error ?? info.status?.rawValue ?? "unknown")"
            leg.endedAt = leg.endedAt ?? now
            try await leg.update(on: db)
            logger.warning("voicemail recording failed", metadata: ["call_id": "\(call.logID)", "error": "\(info.error ?? "")"])
            return
        }
        guard size > 0, seconds >= Self.minimumSeconds else {
            leg.state = "ended"
            leg.failureReason = "empty recording (\(String(format: "%.1f", seconds)) s): no message"
            leg.endedAt = leg.endedAt ?? now
            return try await leg.update(on: db)
        }
        let message = VoicemailMessageModel()
        message.id = .v7()
        message.tenantID = call.tenantID
        message.extensionID = box
        message.callID = call.id
        message.caller = call.fromNumber
        message.storageKey = try leg.destination ?? Self.storageKey(tenant: call.tenantID, box: box, call: call.requireID())
        message.contentType = "audio/ogg"
        message.sizeBytes = size
        message.durationS = seconds
        message.transcriptState = "none"
        message.read = false
        do {
            try await db.transaction { tx in
                try await message.create(on: tx)
                leg.state = "ended"
                leg.endedAt = leg.endedAt ?? now
                try await leg.update(on: tx)
            }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            return  // a repeated egress_ended: the message exists already
        }
        try await JobModel.query(on: db).filter(\.$dedupeKey == "voicemail_limit:\(try call.requireID())").delete()
        let users = try await GrantModel.enabledUsers(of: box, on: db)
        hub.send(
            .make(
                "voicemail",
                [
                    "call_id": try call.requireID(), "voicemail_id": try message.requireID(), "extension_id": box, "caller": message.caller,
                    "duration_s": message.durationS,
                ]), to: users)
        try await messageStored(message)
    }

    // MARK: helpers

    private func voicemailLeg(_ callID: UUID) async throws -> CallLegModel? {
        try await CallLegModel.query(on: db).filter(\.$callID == callID).filter(\.$kind == "voicemail").first()
    }

    /// The caller's identity in the room.
    private func callerIdentity(_ callID: UUID) async throws -> String? {
        try await CallLegModel.callerLeg(of: callID, on: db)?.participantIdentity
    }

    /// Voicemail could not take the call: the leg fails and the caller is let go.
    private func fail(_ call: CallModel, _ leg: CallLegModel, _ detail: String) async throws {
        leg.state = "failed"
        leg.failureReason = detail
        leg.endedAt = Date()
        try await leg.update(on: db)
        call.state = CallState.failed.rawValue
        call.endReason = "voicemail_failed"
        call.endedAt = Date()
        try await call.update(on: db)
        if let liveKit { _ = try? await liveKit.deleteRoom(call.roomName) }
        logger.warning("voicemail failed", metadata: ["call_id": "\(call.logID)", "detail": "\(detail)"])
    }
}

/// The maximum message length: stops a recording still running and hangs up the caller.
struct VoicemailLimitHandler: JobHandler {
    static let kind = "voicemail_limit"
    struct Payload: Codable { let callID: UUID; let egressID: String }
    var kind: String { Self.kind }
    let persistence: Persistence
    let liveKit: any LiveKitAPI

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let p = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8))
        let db = persistence.db
        guard let call = try await CallModel.find(p.callID, on: db), CallState.live.contains(call.state) else { return }
        do {
            _ = try await liveKit.stopEgress(id: p.egressID)
        } catch let error as LiveKitError where error.twirpCode == "not_found" || error.twirpCode == "failed_precondition" {
            // Already ending.
        }
        try await CallLifecycle(db: db).end(call, now: Date(), reason: "voicemail")
        _ = try? await liveKit.deleteRoom(call.roomName)
    }
}
