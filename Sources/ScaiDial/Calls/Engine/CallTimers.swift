import FluentKit
import Foundation

/// A call's timers as durable jobs (the `jobs` table): written in the same transaction as the state
/// that set them, one per call and kind (a dedupe key), and coming back to the engine as events.
struct CallTimers: Sendable {
    static let ringTimeout = "ring_timeout"
    static let browserGone = "browser_gone"
    static let voicemailLimit = "voicemail_limit"
    static let refer = "forward_refer"
    static let noAudio = "no_audio"
    static let callerArrival = "caller_arrival"
    static let dialCheck = "dial_check"
    static let kinds = [ringTimeout, browserGone, voicemailLimit, refer, noAudio, callerArrival, dialCheck]

    /// What every call timer's job carries.
    struct Payload: Codable, Sendable {
        let callID: UUID
        var round: Int?
        var identity: String?
        var legID: UUID?
        var transferTo: String?
    }

    func schedule(_ timer: CallTimer, for call: Call, at: Date, on tx: any Database) async throws {
        try await JobQueue.enqueue(
            Self.jobKind(timer.kind), payload: Self.payload(timer, for: call), dedupeKey: Self.dedupeKey(timer.kind, call.id),
            tenantID: call.tenantID, runAt: at, on: tx)
    }

    /// What `timer`'s job carries.
    static func payload(_ timer: CallTimer, for call: Call) -> Payload {
        var payload = Payload(callID: call.id)
        switch timer {
        case .ringTimeout(let round): payload.round = round
        case .browserGone(let identity): payload.identity = identity
        case .voicemailLimit: break
        case .refer(let legID, let transferTo):
            payload.legID = legID
            payload.transferTo = transferTo
        case .noAudio(let identity): payload.identity = identity
        case .callerArrival: break
        case .dialCheck(let legID): payload.legID = legID
        }
        return payload
    }

    func cancel(_ kind: CallTimer.Kind, for call: UUID, on tx: any Database) async throws {
        try await JobModel.query(on: tx).filter(\.$dedupeKey == Self.dedupeKey(kind, call)).delete()
    }

    static func jobKind(_ kind: CallTimer.Kind) -> String {
        switch kind {
        case .ringTimeout: ringTimeout
        case .browserGone: browserGone
        case .voicemailLimit: voicemailLimit
        case .refer: refer
        case .noAudio: noAudio
        case .callerArrival: callerArrival
        case .dialCheck: dialCheck
        }
    }

    static func dedupeKey(_ kind: CallTimer.Kind, _ call: UUID) -> String {
        switch kind {
        case .browserGone(let identity): "\(browserGone):\(call):\(identity)"
        case .noAudio(let identity): "\(noAudio):\(call):\(identity)"
        case .dialCheck(let leg): "\(dialCheck):\(call):\(leg)"
        default: "\(jobKind(kind)):\(call)"
        }
    }
}
