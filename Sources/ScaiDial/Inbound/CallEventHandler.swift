import FluentKit
import Foundation
import LiveKit
import Logging

/// LiveKit's events, turned into call events for the `CallEngine`: the webhook door for inbound
/// calls (a SIP participant joining a room made by a trunk's catch-all rule) and everything that
/// moves a call afterwards. This type decides nothing about a call itself.
struct CallEventHandler: LiveKitEventHandler {
    let persistence: Persistence
    let dispatcher: InboundDispatcher
    let engine: CallEngine
    let liveKit: (any LiveKitAPI)?
    let metrics: MetricsRegistry
    let logger: Logger

    func handle(_ event: WebhookEvent) async throws {
        metrics.increment(
            "scaidial_livekit_events_total", help: "LiveKit webhook events applied, by event", labels: [("event", event.event)])
        let db = persistence.db
        switch event.event {
        case "participant_joined":
            try await participantJoined(event)
        case "participant_left", "participant_connection_aborted":
            guard let room = event.room?.name, let p = event.participant, let identity = p.identity,
                let id = try await CallStore.callID(room: room, on: db)
            else { return }
            try await engine.apply(.left(identity: identity, reason: p.disconnectReason), to: id, announce: true)
        case "track_published":
            // A SIP participant's `sip.callStatus`, when the event carries its attributes.
            guard let room = event.room?.name, let p = event.participant, p.kind == .sip, let identity = p.identity,
                let status = p.attributes?[SIPCallStatus.attribute].flatMap(SIPCallStatus.init(rawValue:)),
                let id = try await CallStore.callID(room: room, on: db)
            else { return }
            try await engine.apply(.sipStatus(identity: identity, status: status), to: id, announce: true)
        case "room_finished":
            guard let room = event.room?.name, let id = try await CallStore.callID(room: room, on: db) else { return }
            try await engine.apply(.roomFinished, to: id, announce: true)
        case "ingress_ended":
            guard let ingress = event.ingressInfo?.ingressId, let id = try await CallStore.callID(liveKitRef: ingress, on: db) else {
                return
            }
            try await engine.apply(.ingressEnded(ingressID: ingress), to: id)
        case "egress_ended":
            guard let info = event.egressInfo, let egress = info.egressId, let id = try await CallStore.callID(liveKitRef: egress, on: db)
            else { return }
            let file = info.fileResults?.first
            let outcome = EgressOutcome(
                egressID: egress, complete: info.status == .complete || info.status == .limitReached,
                seconds: Double(file?.duration ?? 0) / 1e9, sizeBytes: Int(file?.size ?? 0), error: info.error)
            try await engine.apply(.egressEnded(outcome), to: id)
        default:
            return
        }
    }

    private func participantJoined(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name, let p = event.participant, let identity = p.identity else { return }
        let kind = p.kind ?? .zero
        let status = p.attributes?[SIPCallStatus.attribute].flatMap(SIPCallStatus.init(rawValue:))
        if let id = try await CallStore.callID(room: room, on: persistence.db) {
            try await engine.apply(.joined(identity: identity, kind: kind, sipStatus: status), to: id, announce: true)
            return
        }
        // Webhook door: only SIP callers in rooms made by ScaiDial's catch-all dispatch rules.
        let attributes = p.attributes ?? [:]
        guard kind == .sip, room.hasPrefix(TrunkSyncHandler.roomPrefix + "_"), let liveKitCallID = attributes["sip.callID"] else {
            return
        }
        let decision = try await dispatcher.dispatch(
            InboundCall(
                liveKitCallID: liveKitCallID, sipCallID: attributes["sip.callIDFull"], from: attributes["sip.phoneNumber"] ?? "",
                to: attributes["sip.trunkPhoneNumber"] ?? "", liveKitTrunkID: attributes["sip.trunkID"], roomName: room,
                participantIdentity: identity))
        switch decision {
        case .reject:
            // The caller is in the room, ringing: removing it is how the call is refused.
            try await liveKit?.removeParticipant(room: room, identity: identity)
        case .accept(let callID, let decidedRoom, _, _, _, _):
            // The same call may have been decided at the hook door first, for another room.
            guard decidedRoom == room else { return }
            try await engine.apply(.callerJoined(status: status), to: callID, announce: true)
        }
    }
}
