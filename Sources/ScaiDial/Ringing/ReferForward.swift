import FluentKit
import Foundation
import LiveKit
import Logging

/// `forward` in `refer` mode (spec §3, Actions). Real livekit-sip refuses a REFER on a call it has
/// not answered (412), and answers an inbound call only once someone in the room publishes audio.
/// So: an announcement (a LiveKit URL Ingress playing ScaiDial's transfer tone) answers the caller;
/// once the caller's `sip.callStatus` is `active` the call is transferred with
/// `TransferSIPParticipant`. A durable job does the waiting, so a restart picks it up again.
struct ReferForwardHandler: JobHandler {
    static let kind = "forward_refer"
    struct Payload: Codable {
        let callID: UUID
        /// The forward's own leg (kind `sip`, destination = the target).
        let legID: UUID
        /// The REFER target: `sip:<number>@<trunk address>`, `tel:<number>` or the rule's `sip:` URI.
        let transferTo: String
    }
    var kind: String { Self.kind }
    let router: CallRouter
    /// How often LiveKit is asked whether the caller is answered, and for how long.
    var poll: Duration = .milliseconds(500)
    var answerTimeout: Duration = .seconds(20)

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let p = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8))
        let db = router.db
        guard let liveKit = router.liveKit, let call = try await CallModel.find(p.callID, on: db), CallState.live.contains(call.state),
            let leg = try await CallLegModel.find(p.legID, on: db), ["dialing", "ringing"].contains(leg.state),
            let caller = try await CallLegModel.callerLeg(of: try call.requireID(), on: db), caller.id != leg.id,
            let identity = caller.participantIdentity
        else { return }

        // 1. Answer the caller with the announcement (once; a re-run after a restart reuses it).
        if leg.livekitRef == nil {
            do {
                let ingress = try await liveKit.createIngress(
                    CreateIngressRequest(
                        inputType: .url, url: router.announcementURL,
                        name: "scaidial-transfer-\(try call.requireID().uuidString.lowercased())",
                        roomName: call.roomName, participantIdentity: "announce_\(try leg.requireID().uuidString.lowercased().prefix(8))",
                        participantName: "Transfer announcement"))
                leg.livekitRef = ingress.ingressId
                leg.state = "ringing"
                try await leg.update(on: db)
            } catch let error as LiveKitError where !error.isRetryable {
                return try await router.failLeg(call, leg, reason: "livekit_error", detail: error.description, sip: nil)
            }
        }
        // A thrown error (LiveKit or database briefly away) retries the job with the announcement
        // still playing; every other outcome is final and takes the announcement down.
        try await transfer(call, leg, callerIdentity: identity, to: p.transferTo, liveKit: liveKit)
        if let ingress = leg.livekitRef { _ = try? await liveKit.deleteIngress(id: ingress) }
    }

    private func transfer(
        _ call: CallModel, _ leg: CallLegModel, callerIdentity identity: String, to target: String, liveKit: any LiveKitAPI
    ) async throws {
        let db = router.db
        // 2. Wait until livekit-sip has answered the caller: never REFER an unanswered call.
        let deadline = ContinuousClock.now + answerTimeout
        while true {
            let participants = try await liveKit.listParticipants(room: call.roomName)
            guard let me = participants.first(where: { $0.identity == identity }) else {
                // The caller hung up while the announcement played.
                return try await CallLifecycle(db: db).end(call, now: Date(), reason: "caller_hangup")
            }
            if me.attributes?["sip.callStatus"] == "active" { break }
            guard ContinuousClock.now < deadline else {
                return try await router.failLeg(
                    call, leg, reason: "forward_failed",
                    detail: "the caller was not answered within \(answerTimeout); no transfer attempted", sip: nil)
            }
            try await Task.sleep(for: poll)
        }
        if call.answeredAt == nil {
            call.answeredAt = Date()
            call.state = CallState.active.rawValue
            try await call.update(on: db)
        }

        // 3. Transfer. The REFER's outcome is the leg's.
        do {
            let answer = try await liveKit.transferSIPParticipant(
                TransferSIPParticipantRequest(
                    participantIdentity: identity, roomName: call.roomName, transferTo: target, playDialtone: false))
            if answer.status == .failed {
                let code = answer.sipStatus?.code.flatMap(Self.sipCode)
                return try await router.failLeg(
                    call, leg, reason: code == nil ? "forward_failed" : "carrier_rejected",
                    detail: "transfer failed: \(answer.reason?.rawValue ?? "unknown") \(answer.sipStatus?.status ?? "")", sip: code)
            }
        } catch let error as LiveKitError where !error.isRetryable {
            return try await router.failLeg(
                call, leg, reason: error.sipStatusCode == nil ? "livekit_error" : "carrier_rejected", detail: error.description,
                sip: error.sipStatusCode)
        }
        let now = Date()
        leg.state = "answered"
        leg.answeredAt = now
        try await leg.update(on: db)
        // The caller now talks to the target outside LiveKit: this call has run its course here.
        try await CallLifecycle(db: db).end(call, now: now, reason: "transferred")
        router.announce(call)
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

extension CallRouter {
    /// Where a `refer` forward sends the caller: a `sip:` target as given; a number as
    /// `sip:<number>@<trunk address>`, or `tel:<number>` when the trunk says so.
    func referURI(for target: String, trunk: TrunkModel?) -> String? {
        if target.lowercased().hasPrefix("sip:") || target.lowercased().hasPrefix("sips:") { return target }
        guard let trunk else { return nil }
        return trunk.referURI == "tel" ? "tel:\(target)" : "sip:\(target)@\(trunk.address)"
    }
}
