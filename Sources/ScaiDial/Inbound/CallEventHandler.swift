import FluentKit
import Foundation
import LiveKit
import Logging

/// LiveKit's events, turned into call events for the `CallEngine`: the webhook door for inbound
/// calls (a SIP participant joining a room made by a trunk's catch-all rule) and everything that
/// moves a call afterwards. This type decides nothing about a call itself, and calls LiveKit never:
/// what a call needs of LiveKit is left as jobs, so a webhook is answered at once.
///
/// What the events carry is what livekit-server sends (its `pkg/telemetry/events.go`):
/// `participant_joined` when a participant becomes active, with its kind and attributes;
/// `track_published` with the participant's sid and identity only; `participant_left` (or
/// `participant_connection_aborted`) with the disconnect reason; `room_finished`; `ingress_ended`
/// and `egress_ended` from their own queue, which can overtake the room's. No event says a SIP
/// participant's `sip.callStatus` changed.
struct CallEventHandler: LiveKitEventHandler {
    let persistence: Persistence
    let dispatcher: InboundDispatcher
    let engine: CallEngine
    let metrics: MetricsRegistry
    let logger: Logger

    func handle(_ event: WebhookEvent, delivery: WebhookDelivery) async throws -> Bool {
        metrics.increment(
            "scaidial_livekit_events_total", help: "LiveKit webhook events applied, by event", labels: [("event", event.event)])
        let db = persistence.db
        var target: (call: UUID, event: CallEvent, announce: Bool)?
        switch event.event {
        case "participant_joined":
            return try await participantJoined(event, delivery: delivery)
        case "participant_left", "participant_connection_aborted":
            if let room = event.room?.name, let p = event.participant, let identity = p.identity,
                let id = try await CallStore.callID(room: room, on: db)
            {
                target = (id, .left(identity: identity, reason: p.disconnectReason), true)
            }
        case "track_published":
            if let room = event.room?.name, let identity = event.participant?.identity,
                let id = try await CallStore.callID(room: room, on: db)
            {
                target = (id, .trackPublished(identity: identity), true)
            }
        case "room_finished":
            if let room = event.room?.name, let id = try await CallStore.callID(room: room, on: db) { target = (id, .roomFinished, true) }
        case "ingress_ended":
            if let ingress = event.ingressInfo?.ingressId, let id = try await CallStore.callID(liveKitRef: ingress, on: db) {
                target = (id, .ingressEnded(ingressID: ingress), false)
            }
        case "egress_ended":
            if let info = event.egressInfo, let egress = info.egressId, let id = try await CallStore.callID(liveKitRef: egress, on: db) {
                let file = info.fileResults?.first
                let outcome = EgressOutcome(
                    egressID: egress, complete: info.status == .complete || info.status == .limitReached,
                    seconds: Double(file?.duration ?? 0) / 1e9, sizeBytes: Int(file?.size ?? 0), error: info.error)
                target = (id, .egressEnded(outcome), false)
            }
        default:
            break
        }
        guard let target else { return try await delivery.recordAlone(at: engine.clock.now, on: db) }
        return try await apply(target.event, to: target.call, announce: target.announce, delivery: delivery)
    }

    private func apply(_ event: CallEvent, to call: UUID, announce: Bool, delivery: WebhookDelivery) async throws -> Bool {
        guard let applied = try await engine.apply(event, to: call, announce: announce, delivery: delivery) else {
            return try await delivery.recordAlone(at: engine.clock.now, on: persistence.db)
        }
        return !applied.duplicate
    }

    private func participantJoined(_ event: WebhookEvent, delivery: WebhookDelivery) async throws -> Bool {
        let db = persistence.db
        guard let room = event.room?.name, let p = event.participant, let identity = p.identity else {
            return try await delivery.recordAlone(at: engine.clock.now, on: db)
        }
        let kind = p.kind ?? .zero
        let status = p.attributes?[SIPCallStatus.attribute].flatMap(SIPCallStatus.init(rawValue:))
        if let id = try await CallStore.callID(room: room, on: db) {
            return try await apply(.joined(identity: identity, kind: kind, sipStatus: status), to: id, announce: true, delivery: delivery)
        }
        // Webhook door: only SIP callers in rooms made by ScaiDial's catch-all dispatch rules.
        let attributes = p.attributes ?? [:]
        guard kind == .sip, room.hasPrefix(TrunkSyncHandler.roomPrefix + "_"), let liveKitCallID = attributes["sip.callID"] else {
            return try await delivery.recordAlone(at: engine.clock.now, on: db)
        }
        let decision = try await dispatcher.dispatch(
            InboundCall(
                liveKitCallID: liveKitCallID, sipCallID: attributes["sip.callIDFull"],
                from: InboundCall.clean(attributes["sip.phoneNumber"] ?? ""),
                to: InboundCall.clean(attributes["sip.trunkPhoneNumber"] ?? ""), liveKitTrunkID: attributes["sip.trunkID"], roomName: room,
                participantIdentity: identity))
        switch decision {
        case .reject(let callID, _, _):
            // The caller is in the room, ringing: removing it is how the call is refused (a job:
            // retried until LiveKit has done it).
            guard let callID else {
                // An unknown number: no call to hang it on, the caller still has to go.
                try await LiveKitWork.enqueue(.removeParticipant(identity: identity), room: room, at: engine.clock.now, on: db)
                engine.jobs.wake()
                return try await delivery.recordAlone(at: engine.clock.now, on: db)
            }
            return try await apply(.rejectedInRoom(identity: identity), to: callID, announce: false, delivery: delivery)
        case .accept(let callID, let decidedRoom, _, _, _, _):
            // The same call may have been decided at the hook door first, for another room.
            guard decidedRoom == room else { return try await delivery.recordAlone(at: engine.clock.now, on: db) }
            return try await apply(.callerJoined(status: status), to: callID, announce: true, delivery: delivery)
        }
    }
}
