import Foundation
import LiveKit
import Logging
import ServiceLifecycle

/// Dials click-to-calls in the background (fire-and-forget from the request's point of view):
/// `CreateSIPParticipant` with `wait_until_answered`, so LiveKit answers when the far end picks up
/// (`dialAnswered`) or with the SIP status of why it did not (`dialFailed`). No webhook says a
/// callee answered (livekit-sip only changes an attribute), so this answer is the one that counts.
///
/// A `Service` with a queue rather than a durable job: a click-to-call is interactive, so a dial
/// that survives a restart and rings someone minutes later is worse than none, and a retry after
/// a timeout could ring the callee twice. Dials in flight finish on graceful shutdown; the answer to
/// a dial lost to a crash is asked of LiveKit later (the `dial_check` timer the callee's joining set).
final class OutboundDialer: Service, Sendable {
    struct Dial: Sendable {
        let callID: UUID
        /// The `sip` leg being dialed.
        let legID: UUID
        let request: CreateSIPParticipantRequest
    }

    private let engine: CallEngine
    private let liveKit: (any LiveKitAPI)?
    private let logger: Logger
    private let queue: AsyncStream<Dial>
    private let enqueue: AsyncStream<Dial>.Continuation

    init(engine: CallEngine, liveKit: (any LiveKitAPI)?, logger: Logger) {
        self.engine = engine
        self.liveKit = liveKit
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
        let event: CallEvent
        do {
            guard let liveKit else {
                throw LiveKitError(
                    kind: .unreachable, method: "CreateSIPParticipant", httpStatus: nil, message: "LiveKit is not configured")
            }
            let info = try await liveKit.createSIPParticipant(dial.request)
            event = .dialAnswered(legID: dial.legID, sipCallID: info.sipCallId)
        } catch let error as LiveKitError {
            // The carrier refused, LiveKit answered 5xx, timed out or was unreachable.
            logger.notice("click-to-call dial failed", metadata: ["call_id": "\(dial.callID)", "detail": "\(error.description)"])
            event = .dialFailed(legID: dial.legID, sipStatus: error.sipStatusCode, detail: error.description)
        } catch {
            logger.error("dial failed", metadata: ["call_id": "\(dial.callID)", "error": "\(String(reflecting: error))"])
            event = .dialFailed(legID: dial.legID, sipStatus: nil, detail: "\(error)")
        }
        do {
            try await engine.apply(event, to: dial.callID)
        } catch {
            logger.error("could not record the dial's outcome", metadata: ["call_id": "\(dial.callID)", "error": "\(error)"])
        }
    }
}
