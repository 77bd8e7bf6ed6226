import FluentKit
import Foundation
import LiveKit

/// A user's browser left a connected call (`CallLifecycle.LeftOutcome.away`): after the grace
/// period, if it is not back in the room (a reloaded page rejoins with `POST /me/calls/{id}/rejoin`),
/// the call ends as that user's hang-up and the room goes, letting the other party go.
struct BrowserGoneHandler: JobHandler {
    static let kind = "browser_gone"
    struct Payload: Codable { let callID: UUID; let identity: String }
    var kind: String { Self.kind }
    let router: CallRouter

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let p = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8))
        let db = router.db
        guard let call = try await CallModel.find(p.callID, on: db), CallState.live.contains(call.state) else { return }
        if let liveKit = router.liveKit {
            // LiveKit knows who is in the room; if it cannot be asked, the job is retried.
            let present: Bool
            do {
                present = try await liveKit.listParticipants(room: call.roomName).contains { $0.identity == p.identity }
            } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {
                present = false
            }
            if present { return }
        }
        try await CallLifecycle(db: db).end(call, now: Date(), reason: "hangup_by_user")
        router.announce(call)
        if let liveKit = router.liveKit {
            do { try await liveKit.deleteRoom(call.roomName) } catch let error as LiveKitError where error.kind == .twirp(code: "not_found")
            {}
        }
    }
}
