import FluentKit
import Foundation
import LiveKit
import Logging
import ServiceLifecycle

/// Dials click-to-calls in the background (fire-and-forget from the request's point of view):
/// `CreateSIPParticipant` without waiting for the answer; the answer arrives later as a webhook.
///
/// A `Service` with a queue rather than a durable job: a click-to-call is interactive, so a dial
/// that survives a restart and rings someone minutes later is worse than none, and a retry after
/// a timeout could ring the callee twice. Dials in flight finish on graceful shutdown; a dial lost
/// to a crash leaves its call live until the user hangs up or the sweeper finds the room empty.
final class OutboundDialer: Service, Sendable {
    struct Dial: Sendable {
        let callID: UUID
        let request: CreateSIPParticipantRequest
    }

    private let persistence: Persistence
    private let liveKit: (any LiveKitAPI)?
    private let router: CallRouter
    private let logger: Logger
    private let queue: AsyncStream<Dial>
    private let enqueue: AsyncStream<Dial>.Continuation

    init(persistence: Persistence, liveKit: (any LiveKitAPI)?, router: CallRouter, logger: Logger) {
        self.persistence = persistence
        self.liveKit = liveKit
        self.router = router
        self.logger = logger
        (queue, enqueue) = AsyncStream.makeStream(of: Dial.self)
    }

    /// Queues a dial; returns at once.
    func dial(_ dial: Dial) { enqueue.yield(dial) }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for await dial in queue.cancelOnGracefulShutdown() {
                group.addTask { await self.perform(dial) }
            }
        }
    }

    func perform(_ dial: Dial) async {
        do {
            guard let liveKit else {
                throw LiveKitError(
                    kind: .unreachable, method: "CreateSIPParticipant", httpStatus: nil, message: "LiveKit is not configured")
            }
            let info = try await liveKit.createSIPParticipant(dial.request)
            try await dialed(dial, info)
        } catch let error as LiveKitError {
            do { try await failed(dial, error) } catch {
                logger.error("could not record a failed dial", metadata: ["call_id": "\(dial.callID)", "error": "\(error)"])
            }
        } catch {
            logger.error("dial failed", metadata: ["call_id": "\(dial.callID)", "error": "\(String(reflecting: error))"])
        }
    }

    /// The callee's phone is being rung: the call is `ringing`. If the user hung up while the dial
    /// was on its way, the room LiveKit just made for it goes again (that hangs the callee up).
    private func dialed(_ dial: Dial, _ info: SIPParticipantInfo) async throws {
        let db = persistence.db
        guard let call = try await CallModel.find(dial.callID, on: db) else { return }
        guard CallState.live.contains(call.state) else {
            _ = try? await liveKit?.deleteRoom(call.roomName)
            return
        }
        // Conditional writes: a webhook may have ended the call since it was read (the callee's
        // phone refused before LiveKit's answer to the dial got here), and that must stand.
        if let sipCallID = info.sipCallId {
            try await CallModel.query(on: db).filter(\.$id == call.requireID()).filter(\.$livekitCallID == nil)
                .set(\.$livekitCallID, to: sipCallID).update()
        }
        try await CallModel.query(on: db).filter(\.$id == call.requireID()).filter(\.$state == CallState.routing.rawValue)
            .set(\.$state, to: CallState.ringing.rawValue).update()
        if let now = try await CallModel.find(try call.requireID(), on: db) { router.announce(now) }
    }

    /// The dial failed (the carrier refused, LiveKit answered 5xx, timed out or was unreachable):
    /// the SIP leg fails with LiveKit's reason and SIP status, the call fails, the room goes, and
    /// the user's browsers hear of it (`call_updated`).
    private func failed(_ dial: Dial, _ error: LiveKitError) async throws {
        let db = persistence.db
        guard let call = try await CallModel.find(dial.callID, on: db), CallState.live.contains(call.state) else { return }
        let now = Date()
        let sip = error.sipStatusCode
        call.state = CallState.failed.rawValue
        call.endReason = sip == nil ? "livekit_error" : "carrier_rejected"
        call.sipStatus = sip
        call.endedAt = now
        try await db.transaction { tx in
            try await call.update(on: tx)
            try await CallLegModel.query(on: tx).filter(\.$callID == call.requireID()).filter(\.$kind == "sip")
                .filter(\.$state ~~ ["dialing", "ringing"])
                .set(\.$state, to: "failed").set(\.$failureReason, to: error.description).set(\.$sipStatus, to: sip)
                .set(\.$endedAt, to: now).update()
            try await CallLegModel.query(on: tx).filter(\.$callID == call.requireID()).filter(
                \.$state ~~ ["dialing", "ringing", "answered"]
            )
            .set(\.$state, to: "ended").set(\.$endedAt, to: now).update()
        }
        // The browser may already be in the room: deleting it disconnects it (a timed-out dial may
        // still have reached LiveKit: this also hangs that one up).
        do { try await liveKit?.deleteRoom(call.roomName) } catch {}
        router.announce(call)
        logger.notice(
            "click-to-call failed",
            metadata: ["call_id": "\(call.logID)", "reason": "\(call.endReason ?? "")", "detail": "\(error.description)"])
    }
}
