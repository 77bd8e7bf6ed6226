import Foundation
import LiveKit

/// The transfer of a `refer` forward (spec §3, Actions), run as a durable job so a restart picks it
/// up. Real livekit-sip refuses a REFER on a call it has not answered (412), and answers an inbound
/// call only once someone in the room publishes audio: the machine has the transfer chime played
/// (and played again while this waits); this job waits until the caller's `sip.callStatus` is
/// `active`, then transfers with `TransferSIPParticipant`, reporting each step as an event.
///
/// At most three attempts: LiveKit briefly away retries the job; after the third the forward fails.
/// A REFER whose answer timed out may still have worked: LiveKit is asked whether the caller is
/// still in the room before the transfer is called failed.
struct ReferWork: Sendable {
    let liveKit: (any LiveKitAPI)?
    /// How often LiveKit is asked whether the caller is answered, and for how long.
    var poll: Duration = .milliseconds(500)
    var answerTimeout: Duration = .seconds(20)
    /// How long the REFER's target may ring (livekit-sip's `ringing_timeout` of the transfer).
    var ringingTimeout: Duration = .seconds(30)
    static let attempts = 3

    func run(callID: UUID, legID: UUID, transferTo target: String, attempt: Int, engine: CallEngine) async throws {
        guard let liveKit, let loaded = try await CallStore.load(callID, on: engine.persistence.db), loaded.call.isLive,
            let leg = loaded.call.leg(id: legID), leg.state == .dialing || leg.state == .ringing,
            let caller = loaded.call.callerLeg?.identity
        else { return }
        let call = loaded.call
        let last = attempt + 1 >= Self.attempts
        do {
            // 1. Wait until livekit-sip has answered the caller: never REFER an unanswered call.
            let deadline = engine.clock.now.addingTimeInterval(answerTimeout.timeInterval)
            while true {
                let participants = try await liveKit.listParticipants(room: call.roomName)
                guard let me = participants.first(where: { $0.identity == caller }) else {
                    // The caller hung up while the announcement played.
                    try await engine.apply(.referCallerGone(legID: legID), to: callID)
                    return
                }
                if me.attributes?[SIPCallStatus.attribute] == SIPCallStatus.active.rawValue { break }
                guard engine.clock.now < deadline else {
                    let detail = "the caller was not answered within \(answerTimeout); no transfer attempted"
                    try await engine.apply(.referFailed(legID: legID, reason: .forwardFailed, sipStatus: nil, detail: detail), to: callID)
                    return
                }
                try await engine.clock.sleep(for: poll)
            }
            try await engine.apply(.referCallerAnswered(legID: legID), to: callID)

            // 2. Transfer. The REFER's outcome is the leg's.
            let answer = try await liveKit.transferSIPParticipant(
                TransferSIPParticipantRequest(
                    participantIdentity: caller, roomName: call.roomName, transferTo: target, playDialtone: false,
                    ringingTimeout: .seconds(Int64(max(1, ringingTimeout.timeInterval)))))
            if answer.status == .failed {
                let code = answer.sipStatus?.code.flatMap(Self.sipCode)
                let detail = "transfer failed: \(answer.reason?.rawValue ?? "unknown") \(answer.sipStatus?.status ?? "")"
                try await engine.apply(
                    .referFailed(legID: legID, reason: code == nil ? .forwardFailed : .carrierRejected, sipStatus: code, detail: detail),
                    to: callID)
                return
            }
            try await engine.apply(.referred(legID: legID), to: callID)
        } catch let error as LiveKitError {
            if error.kind == .timeout, try await callerLeft(call, caller, liveKit) {
                // The REFER went through after all: livekit-sip let the caller go to its target.
                try await engine.apply(.referred(legID: legID), to: callID)
                return
            }
            if error.isRetryable && !last { throw error }
            let reason: EndReason = error.sipStatusCode == nil ? .liveKitError : .carrierRejected
            try await engine.apply(
                .referFailed(legID: legID, reason: reason, sipStatus: error.sipStatusCode, detail: error.description), to: callID)
        }
    }

    /// Whether the caller is no longer in the room (asked after a REFER timed out on our side).
    private func callerLeft(_ call: Call, _ caller: String, _ liveKit: any LiveKitAPI) async throws -> Bool {
        do {
            return try await !liveKit.listParticipants(room: call.roomName).contains { $0.identity == caller }
        } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {
            return true
        } catch {
            return false
        }
    }

    /// `SIP_STATUS_BUSY_HERE` → 486 for the names LiveKit's SIPStatusCode gives (numbers come as is).
    static func sipCode(_ code: SIPStatusCode) -> Int? {
        if let n = Int(code.rawValue) { return n }
        let names: [String: Int] = [
            "SIP_STATUS_OK": 200, "SIP_STATUS_NOTFOUND": 404, "SIP_STATUS_METHOD_NOT_ALLOWED": 405, "SIP_STATUS_REQUEST_TIMEOUT": 408,
            "SIP_STATUS_TEMPORARILY_UNAVAILABLE": 480, "SIP_STATUS_BUSY_HERE": 486, "SIP_STATUS_REQUEST_TERMINATED": 487,
            "SIP_STATUS_NOT_IMPLEMENTED": 501, "SIP_STATUS_SERVICE_UNAVAILABLE": 503, "SIP_STATUS_GLOBAL_DECLINE": 603,
        ]
        return names[code.rawValue]
    }
}
