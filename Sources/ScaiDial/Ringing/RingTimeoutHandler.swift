import FluentKit
import Foundation

/// The durable ring timeout: fires once, also after a restart, and only if the call is still
/// ringing the same extension unanswered.
struct RingTimeoutHandler: JobHandler {
    static let kind = "ring_timeout"
    struct Payload: Codable { let callID: UUID; let extensionID: UUID }
    var kind: String { Self.kind }
    let router: CallRouter

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let p = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8))
        let db = router.db
        guard let call = try await CallModel.find(p.callID, on: db), call.state == CallState.ringing.rawValue,
            call.answeredByUserID == nil, call.extensionID == p.extensionID,
            let ext = try await ExtensionModel.find(p.extensionID, on: db)
        else { return }
        try await router.cancelRing(call, reason: "timeout")
        try await router.noAnswer(call, ext, trigger: "no_answer")
    }
}
