import AsyncAlgorithms
import FluentKit
import Foundation
import LiveKit
import Logging
import ServiceLifecycle

/// Ends calls whose room LiveKit no longer has (a lost `room_finished`, a restart at the wrong
/// moment), so no call stays live forever. Checked against LiveKit every `interval`; calls younger
/// than `grace` are left alone (a hook-door caller reaches its room a moment after the decision).
/// The verdict goes to the call machine (`roomGone`), which ignores it for a call that ended meanwhile.
/// The other way round too: a call that ended in the last hour whose room LiveKit still has with
/// someone in it gets its room taken down again (a caller must never stay connected to a call
/// recorded as ended). Each pass also sets right any tenant's live-call counter that disagrees with
/// its calls (`LiveCallCounter.reconcile`).
struct CallSweeper: Service {
    let persistence: Persistence
    let engine: CallEngine
    let liveKit: any LiveKitAPI
    let interval: Duration
    let grace: TimeInterval
    let logger: Logger

    func run() async throws {
        for await _ in AsyncTimerSequence(interval: interval, clock: .continuous).cancelOnGracefulShutdown() {
            guard persistence.isOpen else { return }
            do { try await sweep() } catch { logger.warning("call sweep failed", metadata: ["error": "\(error)"]) }
        }
    }

    /// One pass; returns how many calls it ended.
    @discardableResult
    func sweep() async throws -> Int {
        let db = persistence.db
        let now = engine.clock.now
        let live = try await CallModel.query(on: db).filter(\.$state ~~ CallState.live)
            .filter(\.$startedAt < now.addingTimeInterval(-grace)).sort(\.$startedAt).limit(500).all()
        var ended = 0
        for call in live {
            do {
                guard try await roomIsGone(call.roomName) else { continue }
                let applied = try await engine.apply(.roomGone, to: try call.requireID())
                if applied?.call.endReason == .roomGone { ended += 1 }
            } catch let error as LiveKitError {
                // One call LiveKit cannot answer for is not the others' problem.
                logger.warning("sweeper could not check a call", metadata: ["call_id": "\(call.logID)", "error": "\(error)"])
            }
        }
        if ended > 0 { logger.notice("ended calls whose room is gone", metadata: ["count": "\(ended)"]) }
        try await tearDownLeftovers(now: now)
        for repair in try await LiveCallCounter.reconcile(on: db, kind: persistence.kind) {
            logger.warning(
                "a tenant's live-call counter disagreed with its calls; set to the calls",
                metadata: ["tenant_id": "\(repair.tenantID)", "counter": "\(repair.counted)", "live_calls": "\(repair.live)"])
        }
        return ended
    }

    /// Calls over in the last hour whose room still has someone in it: the room goes (again).
    private func tearDownLeftovers(now: Date) async throws {
        let db = persistence.db
        let recent = try await CallModel.query(on: db).filter(\.$state ~~ [CallState.ended, .failed])
            .filter(\.$endedAt > now.addingTimeInterval(-3600)).sort(\.$endedAt).limit(200).all()
        var queued = 0
        for row in recent {
            do {
                guard try await !roomIsGone(row.roomName), let call = try await CallStore.load(try row.requireID(), on: db)?.call else {
                    continue
                }
                try await LiveKitWork.deleteRoom.enqueue(for: call, at: now, on: db)
                queued += 1
            } catch let error as LiveKitError {
                logger.warning("sweeper could not check an ended call", metadata: ["call_id": "\(row.logID)", "error": "\(error)"])
            }
        }
        if queued > 0 {
            engine.jobs.wake()
            logger.notice("rooms of ended calls still had people in them; taking them down", metadata: ["count": "\(queued)"])
        }
    }

    private func roomIsGone(_ room: String) async throws -> Bool {
        do {
            return try await liveKit.listParticipants(room: room).isEmpty
        } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {
            return true
        }
    }
}
