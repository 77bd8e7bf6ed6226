import Foundation
import LiveKit

/// The work of a `refer` forward (spec §3, Actions), run as a durable job so a restart picks it up.
/// Real livekit-sip refuses a REFER on a call it has not answered (412), and answers an inbound
/// call only once someone in the room publishes audio. So: an announcement (a LiveKit URL Ingress
/// playing ScaiDial's transfer tone) answers the caller; once the caller's `sip.callStatus` is
/// `active` it is transferred with `TransferSIPParticipant`. Every step is reported to the call
/// machine as an event; a LiveKit error worth retrying throws, and the job runs again.
struct ReferWork: Sendable {
    let liveKit: (any LiveKitAPI)?
    /// What answers the caller: ScaiDial's transfer tone at its public URL.
    let announcementURL: String
    /// How often LiveKit is asked whether the caller is answered, and for how long.
    var poll: Duration = .milliseconds(500)
    var answerTimeout: Duration = .seconds(20)

    func run(callID: UUID, legID: UUID, transferTo target: String, engine: CallEngine) async throws {
        guard let liveKit, let loaded = try await CallStore.load(callID, on: engine.persistence.db), loaded.call.isLive,
            let leg = loaded.call.leg(id: legID), leg.state == .dialing || leg.state == .ringing,
            let caller = loaded.call.callerLeg?.identity
        else { return }
        let call = loaded.call

        // 1. Answer the caller with the announcement (once; a re-run after a restart reuses it).
        if leg.liveKitRef == nil {
            do {
                let ingress = try await liveKit.createIngress(
                    CreateIngressRequest(
                        inputType: .url, url: announcementURL, name: "scaidial-transfer-\(call.id.uuidString.lowercased())",
                        roomName: call.roomName, participantIdentity: "announce_\(legID.uuidString.lowercased().prefix(8))",
                        participantName: "Transfer announcement"))
                try await engine.apply(.announcementStarted(legID: legID, ingressID: ingress.ingressId ?? ""), to: callID)
            } catch let error as LiveKitError where !error.isRetryable {
                try await engine.apply(
                    .referFailed(legID: legID, reason: .liveKitError, sipStatus: nil, detail: error.description), to: callID)
                return
            }
        }

        // 2. Wait until livekit-sip has answered the caller: never REFER an unanswered call.
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

        // 3. Transfer. The REFER's outcome is the leg's.
        do {
            let answer = try await liveKit.transferSIPParticipant(
                TransferSIPParticipantRequest(participantIdentity: caller, roomName: call.roomName, transferTo: target, playDialtone: false)
            )
            if answer.status == .failed {
                let code = answer.sipStatus?.code.flatMap(Self.sipCode)
                let detail = "transfer failed: \(answer.reason?.rawValue ?? "unknown") \(answer.sipStatus?.status ?? "")"
                try await engine.apply(
                    .referFailed(legID: legID, reason: code == nil ? .forwardFailed : .carrierRejected, sipStatus: code, detail: detail),
                    to: callID)
                return
            }
        } catch let error as LiveKitError where !error.isRetryable {
            let reason: EndReason = error.sipStatusCode == nil ? .liveKitError : .carrierRejected
            try await engine.apply(
                .referFailed(legID: legID, reason: reason, sipStatus: error.sipStatusCode, detail: error.description), to: callID)
            return
        }
        try await engine.apply(.referred(legID: legID), to: callID)
    }

    /// `SIP_STATUS_BUSY_HERE` → 486 for the names LiveKit's SIPStatusCode gives (numbers come as is).
    static func sipCode(_ code: SIPStatusCode) -> Int? {
        if let n = Int(code.rawValue) { return n }
        let names: [String: Int] = [
            "SIP_STATUS_OK": 200, "SIP_STATUS_NOTFOUND": 404, "SIP_STATUS_REQUEST_TIMEOUT": 408,
            "SIP_STATUS_TEMPORARILY_UNAVAILABLE": 480, "SIP_STATUS_BUSY_HERE": 486, "SIP_STATUS_REQUEST_TERMINATED": 487,
            "SIP_STATUS_SERVICE_UNAVAILABLE": 503, "SIP_STATUS_GLOBAL_DECLINE": 603,
        ]
        return names[code.rawValue]
    }
}
