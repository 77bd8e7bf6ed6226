import Foundation
import LiveKit

/// Runs a call's durable timers (`CallTimers`) when they come due: each becomes the call's next
/// event. The rejoin grace first asks LiveKit whether the browser is back (if LiveKit cannot be
/// asked, the job is retried); a `refer` forward does its work (`ReferWork`).
struct CallTimerHandler: JobHandler {
    let kind: String
    let engine: CallEngine
    let liveKit: (any LiveKitAPI)?
    let refer: ReferWork

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let p = try JSONDecoder().decode(CallTimers.Payload.self, from: Data(payload.utf8))
        switch kind {
        case CallTimers.ringTimeout:
            try await engine.apply(.ringTimeout(round: p.round), to: p.callID)
        case CallTimers.voicemailLimit:
            try await engine.apply(.voicemailLimit, to: p.callID)
        case CallTimers.browserGone:
            guard let identity = p.identity, let loaded = try await CallStore.load(p.callID, on: engine.persistence.db),
                loaded.call.isLive
            else { return }
            var present = false
            if let liveKit {
                do {
                    present = try await liveKit.listParticipants(room: loaded.call.roomName).contains { $0.identity == identity }
                } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {
                    present = false
                }
            }
            try await engine.apply(.browserGone(identity: identity, present: present), to: p.callID)
        case CallTimers.refer:
            guard let legID = p.legID, let target = p.transferTo else { return }
            try await refer.run(callID: p.callID, legID: legID, transferTo: target, attempt: attempt, engine: engine)
        case CallTimers.noAudio:
            guard let identity = p.identity else { return }
            try await engine.apply(.noAudio(identity: identity), to: p.callID)
        case CallTimers.callerArrival:
            try await engine.apply(.callerNeverCame, to: p.callID)
        case CallTimers.dialCheck:
            // The dial's own answer may have been lost (a restart): LiveKit says how the leg stands.
            guard let legID = p.legID, let loaded = try await CallStore.load(p.callID, on: engine.persistence.db),
                let leg = loaded.call.leg(id: legID), leg.state == .dialing || leg.state == .ringing, let identity = leg.identity,
                let liveKit
            else { return }
            let status: SIPCallStatus?
            do {
                let participant = try await liveKit.getParticipant(room: loaded.call.roomName, identity: identity)
                status = participant.attributes?[SIPCallStatus.attribute].flatMap(SIPCallStatus.init(rawValue:))
            } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {
                status = nil
            }
            try await engine.apply(.dialCheck(legID: legID, status: status), to: p.callID)
        default:
            return
        }
    }
}
