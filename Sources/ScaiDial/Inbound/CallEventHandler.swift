import FluentKit
import Foundation
import LiveKit
import Logging

/// Applies LiveKit's events to calls: the webhook door for inbound calls (a SIP participant joining a
/// room made by a trunk's catch-all rule), and legs and calls moving through their states.
struct CallEventHandler: LiveKitEventHandler {
    let persistence: Persistence
    let dispatcher: InboundDispatcher
    let liveKit: (any LiveKitAPI)?
    let metrics: MetricsRegistry
    let logger: Logger

    func handle(_ event: WebhookEvent) async throws {
        metrics.increment(
            "scaidial_livekit_events_total", help: "LiveKit webhook events applied, by event", labels: [("event", event.event)])
        switch event.event {
        case "participant_joined": try await participantJoined(event)
        case "participant_left", "participant_connection_aborted": try await participantLeft(event)
        case "room_finished": try await roomFinished(event)
        default: break
        }
    }

    private func participantJoined(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name, let p = event.participant, (p.kind ?? .zero) == .sip else { return }
        let attributes = p.attributes ?? [:]
        let db = persistence.db
        if try await CallModel.query(on: db).filter(\.$roomName == room).first() == nil {
            // Webhook door: only rooms made by ScaiDial's catch-all dispatch rules.
            guard room.hasPrefix(TrunkSyncHandler.roomPrefix + "_"), let callID = attributes["sip.callID"] else { return }
            let decision = try await dispatcher.dispatch(
                InboundCall(
                    liveKitCallID: callID, sipCallID: attributes["sip.callIDFull"], from: attributes["sip.phoneNumber"] ?? "",
                    to: attributes["sip.trunkPhoneNumber"] ?? "", liveKitTrunkID: attributes["sip.trunkID"], roomName: room,
                    participantIdentity: p.identity))
            if case .reject = decision, let identity = p.identity, let liveKit {
                // The caller is in the room, ringing: removing it is how the call is refused.
                try await liveKit.removeParticipant(room: room, identity: identity)
                return
            }
        }
        try await CallLifecycle(db: db).sipStatus(room: room, identity: p.identity, status: attributes["sip.callStatus"])
    }

    private func participantLeft(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name, let identity = event.participant?.identity else { return }
        try await CallLifecycle(db: persistence.db).left(room: room, identity: identity)
    }

    private func roomFinished(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name else { return }
        try await CallLifecycle(db: persistence.db).roomFinished(room: room)
    }
}
