import FluentKit
import Foundation
import LiveKit
import Logging

/// Applies LiveKit's events to calls: the webhook door for inbound calls (a SIP participant joining a
/// room made by a trunk's catch-all rule), and legs and calls moving through their states.
struct CallEventHandler: LiveKitEventHandler {
    let persistence: Persistence
    let dispatcher: InboundDispatcher
    let router: CallRouter
    let liveKit: (any LiveKitAPI)?
    let metrics: MetricsRegistry
    let logger: Logger
    var rejoinGrace: Duration = .seconds(10)

    func handle(_ event: WebhookEvent) async throws {
        metrics.increment(
            "scaidial_livekit_events_total", help: "LiveKit webhook events applied, by event", labels: [("event", event.event)])
        switch event.event {
        case "participant_joined": try await participantJoined(event)
        case "participant_left", "participant_connection_aborted": try await participantLeft(event)
        case "track_published": try await sipTrackPublished(event)
        case "room_finished": try await roomFinished(event)
        case "ingress_ended":
            if let id = event.ingressInfo?.ingressId { try await router.voicemail.greetingEnded(ingressID: id) }
            return
        case "egress_ended":
            if let info = event.egressInfo { try await router.voicemail.recordingEnded(info) }
            return
        default: return
        }
        if let room = event.room?.name { try await announce(room) }
    }

    /// `call_updated` to the browsers of the users in the call (who answered it, who placed it).
    private func announce(_ room: String) async throws {
        guard let call = try await CallModel.query(on: persistence.db).filter(\.$roomName == room).first() else { return }
        router.announce(call)
    }

    private func participantJoined(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name, let p = event.participant else { return }
        let db = persistence.db
        guard (p.kind ?? .zero) == .sip else {
            // A browser or a bot joining its call: its leg is answered, the call is active.
            return try await CallLifecycle(db: db).joined(room: room, identity: p.identity, kind: p.kind ?? .zero)
        }
        let attributes = p.attributes ?? [:]
        let existing = try await CallModel.query(on: db).filter(\.$roomName == room).first()
        if let existing, existing.direction == "inbound", (attributes["sip.callStatus"] ?? "ringing") == "ringing" {
            // The hook door's caller arrived: what needed it in the room can start now.
            try await router.start(callID: try existing.requireID(), callerInRoom: true)
        }
        if existing == nil {
            // Webhook door: only rooms made by ScaiDial's catch-all dispatch rules.
            guard room.hasPrefix(TrunkSyncHandler.roomPrefix + "_"), let callID = attributes["sip.callID"] else { return }
            let decision = try await dispatcher.dispatch(
                InboundCall(
                    liveKitCallID: callID, sipCallID: attributes["sip.callIDFull"], from: attributes["sip.phoneNumber"] ?? "",
                    to: attributes["sip.trunkPhoneNumber"] ?? "", liveKitTrunkID: attributes["sip.trunkID"], roomName: room,
                    participantIdentity: p.identity))
            switch decision {
            case .reject:
                // The caller is in the room, ringing: removing it is how the call is refused.
                if let identity = p.identity, let liveKit { try await liveKit.removeParticipant(room: room, identity: identity) }
                return
            case .accept(let callID, _, _, _, _, _):
                try await router.start(callID: callID, callerInRoom: true)
            }
        }
        try await CallLifecycle(db: db).sipStatus(room: room, identity: p.identity, status: attributes["sip.callStatus"])
    }

    private func participantLeft(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name, let identity = event.participant?.identity else { return }
        let outcome = try await CallLifecycle(db: persistence.db).left(
            room: room, identity: identity, reason: event.participant?.disconnectReason)
        if case .away(let callID) = outcome {
            let grace = Double(rejoinGrace.components.seconds) + Double(rejoinGrace.components.attoseconds) / 1e18
            try await JobQueue.enqueue(
                BrowserGoneHandler.kind, payload: BrowserGoneHandler.Payload(callID: callID, identity: identity),
                dedupeKey: "\(BrowserGoneHandler.kind):\(callID):\(identity)", runAt: Date().addingTimeInterval(grace), on: persistence.db)
            router.jobs.wake()
        }
        if outcome == .ended, let liveKit, let call = try await CallModel.query(on: persistence.db).filter(\.$roomName == room).first() {
            // One party left and the call is over: the room goes, and whoever is still in it
            // (the far end, or an inbound caller whose answerer, bot or forward target hung up).
            // When the inbound caller is the one who left, the room empties by itself.
            let caller = call.direction == "inbound" ? try await CallLegModel.callerLeg(of: try call.requireID(), on: persistence.db) : nil
            if caller?.participantIdentity != identity {
                do { try await liveKit.deleteRoom(room) } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {}
            }
        }
        try await cancelRingIfEnded(room)
        if let call = try await CallModel.query(on: persistence.db).filter(\.$roomName == room).first(), call.action == "voicemail" {
            try await router.voicemail.callerLeft(callID: try call.requireID())
        }
    }

    /// A SIP participant's track carries its current `sip.callStatus` (an outbound callee that
    /// answered after joining the room shows `active` here).
    private func sipTrackPublished(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name, let p = event.participant, p.kind == .sip else { return }
        try await CallLifecycle(db: persistence.db).sipStatus(room: room, identity: p.identity, status: p.attributes?["sip.callStatus"])
    }

    private func roomFinished(_ event: WebhookEvent) async throws {
        guard let room = event.room?.name else { return }
        try await CallLifecycle(db: persistence.db).roomFinished(room: room)
        try await cancelRingIfEnded(room)
    }

    /// A caller who gives up while ringing cancels the ring everywhere.
    private func cancelRingIfEnded(_ room: String) async throws {
        guard let call = try await CallModel.query(on: persistence.db).filter(\.$roomName == room).first(),
            !CallState.live.contains(call.state), call.answeredByUserID == nil, call.extensionID != nil
        else { return }
        try await router.cancelRing(call, reason: call.endReason ?? "ended")
    }
}
