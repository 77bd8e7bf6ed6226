import FluentKit
import Foundation
import LiveKit
import Logging

extension CallRouter {
    /// `ring_extension` of a bot: LiveKit dispatches the agent named by `target_ref` into the room.
    func dispatchBot(_ call: CallModel, _ ext: ExtensionModel) async throws {
        guard try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$kind == "bot").count() == 0 else {
            return
        }
        let leg = try CallLegModel.new(call, kind: "bot", state: "dialing")
        leg.extensionID = ext.id
        leg.destination = ext.targetRef
        call.extensionID = ext.id
        try await db.transaction { tx in
            try await leg.create(on: tx)
            try await call.update(on: tx)
        }
        guard let liveKit else {
            return try await failLeg(call, leg, reason: "livekit_error", detail: "LiveKit is not configured", sip: nil)
        }
        do {
            let metadata =
                #"{"scaidial_call_id":"\#(try call.requireID().uuidString)","from":"\#(call.fromNumber)","to":"\#(call.toNumber)"}"#
            _ = try await liveKit.createDispatch(
                CreateAgentDispatchRequest(agentName: ext.targetRef, room: call.roomName, metadata: metadata))
        } catch let error as LiveKitError {
            try await failLeg(call, leg, reason: "livekit_error", detail: error.description, sip: error.sipStatusCode)
        }
    }

    /// `forward`: `bridge` dials the target into the caller's room over the trunk the call came in
    /// on (livekit-sip answers the caller once the target answers and speaks); `refer` hands over
    /// to `ReferForwardHandler` (answer with an announcement, then REFER).
    func forward(_ call: CallModel, to target: String, mode: ForwardModeName) async throws {
        guard
            try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$kind == "sip")
                .filter(\.$destination == target).count() == 0
        else { return }
        try await cancelRing(call, reason: "forwarded")
        let leg = try CallLegModel.new(call, kind: "sip", state: "dialing")
        leg.destination = target
        // A bridge's target joins the room under this identity; a REFER's never does.
        leg.participantIdentity = mode == .bridge ? "fwd_\(try leg.requireID().uuidString.lowercased().prefix(8))" : nil
        call.action = "forward"
        try await db.transaction { tx in
            try await leg.create(on: tx)
            try await call.update(on: tx)
        }
        let trunk = try await call.trunkID.asyncMap { try await TrunkModel.find($0, on: db) } ?? nil
        if mode == .refer {
            guard liveKit != nil, let uri = referURI(for: target, trunk: trunk) else {
                return try await failLeg(call, leg, reason: "no_trunk", detail: "no trunk to address the transfer target with", sip: nil)
            }
            try await JobQueue.enqueue(
                ReferForwardHandler.kind,
                payload: ReferForwardHandler.Payload(callID: try call.requireID(), legID: try leg.requireID(), transferTo: uri),
                dedupeKey: "forward_refer:\(try call.requireID())", tenantID: call.tenantID, on: db)
            return jobs.wake()
        }
        guard let liveKit, let outbound = trunk?.livekitOutboundTrunkID else {
            return try await failLeg(call, leg, reason: "no_trunk", detail: "the call's trunk is not synced to LiveKit", sip: nil)
        }
        let tenant = try await TenantModel.find(call.tenantID, on: db)
        // Carriers often refuse foreign caller ids: present our DID unless policy says otherwise.
        let callerID = tenant?.forwardCallerID == "caller" && call.fromNumber.hasPrefix("+") ? call.fromNumber : call.toNumber
        do {
            _ = try await liveKit.createSIPParticipant(
                CreateSIPParticipantRequest(
                    sipTrunkId: outbound, sipCallTo: target, sipNumber: callerID, roomName: call.roomName,
                    participantIdentity: leg.participantIdentity, participantName: target,
                    playDialtone: true, waitUntilAnswered: false))
        } catch let error as LiveKitError {
            try await failLeg(
                call, leg, reason: error.sipStatusCode == nil ? "livekit_error" : "carrier_rejected",
                detail: error.description, sip: error.sipStatusCode)
        }
    }

    /// The hand-over to voicemail: the call is marked for it and gets a `voicemail` leg; what
    /// happens next (greeting, recording) is the `VoicemailHandover`'s (`VoicemailFlow`).
    func toVoicemail(_ call: CallModel, box: UUID) async throws {
        guard try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$kind == "voicemail").count() == 0 else {
            // Handed over already (maybe before the caller was in the room): let voicemail go on.
            return try await voicemail.begin(callID: try call.requireID(), box: call.extensionID ?? box, roomName: call.roomName)
        }
        try await cancelRing(call, reason: "voicemail")
        let leg = try CallLegModel.new(call, kind: "voicemail", state: "dialing")
        leg.extensionID = box
        call.action = "voicemail"
        call.extensionID = box
        try await db.transaction { tx in
            try await leg.create(on: tx)
            try await call.update(on: tx)
        }
        try await voicemail.begin(callID: try call.requireID(), box: box, roomName: call.roomName)
    }

    /// Ends an unanswered call: the room goes (and the caller with it).
    func hangUp(_ call: CallModel, reason: String) async throws {
        try await cancelRing(call, reason: reason)
        try await CallLifecycle(db: db).end(call, now: Date(), reason: reason)
        if let liveKit { _ = try? await liveKit.deleteRoom(call.roomName) }
    }

    func failLeg(_ call: CallModel, _ leg: CallLegModel, reason: String, detail: String, sip: Int?) async throws {
        leg.state = "failed"
        leg.failureReason = detail
        leg.sipStatus = sip
        leg.endedAt = Date()
        try await leg.update(on: db)
        call.state = CallState.failed.rawValue
        call.endReason = reason
        call.sipStatus = sip
        call.endedAt = Date()
        try await call.update(on: db)
        if let liveKit { _ = try? await liveKit.deleteRoom(call.roomName) }
        logger.notice("call action failed", metadata: ["call_id": "\(call.logID)", "reason": "\(reason)", "detail": "\(detail)"])
    }
}

extension CallLegModel {
    static func new(_ call: CallModel, kind: String, state: String) throws -> CallLegModel {
        let l = CallLegModel()
        l.id = .v7()
        l.tenantID = call.tenantID
        l.callID = try call.requireID()
        l.kind = kind
        l.state = state
        l.startedAt = Date()
        return l
    }
}

/// Where a call handed to voicemail goes next: `VoicemailFlow` (greeting, recording, message).
protocol VoicemailHandover: Sendable {
    /// Idempotent: starts the greeting once the caller is in the room; called again when it arrives.
    func begin(callID: UUID, box: UUID, roomName: String) async throws
    func greetingEnded(ingressID: String) async throws
    func recordingEnded(_ info: EgressInfo) async throws
    func callerLeft(callID: UUID) async throws
}
