import Foundation
import LiveKit

/// The LiveKit objects a trunk should have, computed from the trunk and its numbers.
struct TrunkSyncPlan {
    let inbound: SIPInboundTrunkInfo
    let outbound: SIPOutboundTrunkInfo
    private let name: String
    private let tag: String

    /// `ringingTimeoutS`: how long livekit-sip keeps an unanswered caller (the longest ring chain of
    /// the trunk's numbers, `RingingBudget`); `maxCallDurationS`: the tenant's longest call.
    init(trunk: TrunkModel, numbers: [String], secrets: SecretBox, tag: String, ringingTimeoutS: Int, maxCallDurationS: Int) throws {
        name = "scaidial \(trunk.name) (\(try trunk.requireID().uuidString.lowercased().prefix(8)))"
        self.tag = tag
        let addresses = StringList.decode(trunk.allowedAddressesJSON)
        // Inbound: what livekit-sip accepts — our numbers, from the carrier's addresses, challenged
        // with the carrier's credentials when set.
        inbound = SIPInboundTrunkInfo(
            name: name, metadata: tag, numbers: numbers, allowedAddresses: addresses.isEmpty ? nil : addresses,
            authUsername: trunk.inboundAuthUsername,
            authPassword: try trunk.inboundAuthPasswordSealed.map(secrets.open),
            ringingTimeout: .seconds(Int64(ringingTimeoutS)), maxCallDuration: .seconds(Int64(maxCallDurationS)))
        // Outbound: where livekit-sip dials — the carrier, with our numbers as caller ids and our
        // credentials at the carrier.
        outbound = SIPOutboundTrunkInfo(
            name: name, metadata: tag, address: trunk.address, transport: Self.transport(trunk.transport), numbers: numbers,
            authUsername: trunk.authUsername, authPassword: try trunk.authPasswordSealed.map(secrets.open))
    }

    /// One catch-all rule bound to the inbound trunk: every caller gets a fresh room, where
    /// ScaiDial's dispatcher takes over from the `participant_joined` webhook.
    func rule(inboundTrunkID: String) -> SIPDispatchRuleInfo {
        SIPDispatchRuleInfo(
            rule: SIPDispatchRule(dispatchRuleIndividual: SIPDispatchRuleIndividual(roomPrefix: TrunkSyncHandler.roomPrefix)),
            trunkIds: [inboundTrunkID], name: name, metadata: tag)
    }

    static func transport(_ raw: String) -> SIPTransport {
        switch raw {
        case "tcp": .tcp
        case "tls": .tls
        default: .udp
        }
    }
}
