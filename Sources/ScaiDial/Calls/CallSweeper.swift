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
        for call in live where try await roomIsGone(call.roomName) {
            let applied = try await engine.apply(.roomGone, to: try call.requireID())
            if applied?.call.endReason == .roomGone { ended += 1 }
        }
        if ended > 0 { logger.notice("ended calls whose room is gone", metadata: ["count": "\(ended)"]) }
        return ended
    }

    private func roomIsGone(_ room: String) async throws -> Bool {
        do {
            return try await liveKit.listParticipants(room: room).isEmpty
        } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {
            return true
        }
    }
}
