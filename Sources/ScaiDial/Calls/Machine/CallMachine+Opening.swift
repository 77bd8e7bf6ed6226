import Foundation

/// How calls begin: the states a new call and its first legs are written with.
extension CallMachine {
    /// An inbound call as the dispatcher decided it. An accepted call waits for its action
    /// (`routing`, shown as `ringing`: livekit-sip sent 180) with the caller's leg `ringing`; a
    /// rejected one is `failed` from the start, its caller's leg too.
    enum Opening {
        case accepted, rejected

        var phase: CallPhase { self == .accepted ? .routing : .failed }
        var state: CallState { phase.state(direction: .inbound) }
        var callerLeg: LegState { self == .accepted ? .ringing : .failed }
        /// The caller's leg is the call's first SIP leg, and this is its key.
        static let callerKey = "caller"
        /// A hook-door caller livekit-sip has not put in its room by then gave up (`caller_gone`).
        static let callerArrivalTimeout: TimeInterval = 15
    }

    /// A click-to-call as it is written before the dial: `routing`, the user's `wave` leg (their
    /// browser, joining at once) and the `sip` leg to the destination, both `dialing`.
    static func placed(
        id: UUID, tenantID: UUID, user: UUID, extensionID: UUID, trunkID: UUID, from: String, to: String, roomName: String, now: Date
    ) -> Call {
        let wave = Leg(
            id: .v7(now: now), kind: .wave, state: .dialing, key: "wave:\(user.uuidString.lowercased())",
            identity: JoinedCall.identity(of: user), userID: user, extensionID: extensionID, startedAt: now)
        let callee = Leg(
            id: .v7(now: now), kind: .sip, state: .dialing, key: "callee", identity: "sip_\(to)", destination: to, startedAt: now)
        return Call(
            id: id, tenantID: tenantID, direction: .outbound, phase: .routing, fromNumber: from, toNumber: to, roomName: roomName,
            ruleID: nil, trunkID: trunkID, action: nil, extensionID: nil, answeredBy: nil, placedBy: user, hops: 0, endReason: nil,
            sipStatus: nil, liveKitCallID: nil, startedAt: now, answeredAt: nil, endedAt: nil, ringRound: 0, ring: nil,
            legs: [wave, callee])
    }
}
