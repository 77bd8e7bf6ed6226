import Foundation

/// The LiveKit server API ScaiDial uses. ``LiveKitClient`` speaks it to a server; tests swap in
/// fakes. Every method throws ``LiveKitError``.
public protocol LiveKitAPI: Sendable {
    // MARK: livekit.SIP

    /// Creates an inbound trunk (its `sipTrunkId` must be nil).
    func createSIPInboundTrunk(_ trunk: SIPInboundTrunkInfo) async throws -> SIPInboundTrunkInfo
    /// Replaces an inbound trunk's contents.
    func updateSIPInboundTrunk(id: String, replace trunk: SIPInboundTrunkInfo) async throws -> SIPInboundTrunkInfo
    /// Every inbound trunk.
    func listSIPInboundTrunks() async throws -> [SIPInboundTrunkInfo]
    /// Creates an outbound trunk (needs `address` and `numbers`).
    func createSIPOutboundTrunk(_ trunk: SIPOutboundTrunkInfo) async throws -> SIPOutboundTrunkInfo
    /// Replaces an outbound trunk's contents.
    func updateSIPOutboundTrunk(id: String, replace trunk: SIPOutboundTrunkInfo) async throws -> SIPOutboundTrunkInfo
    /// Every outbound trunk.
    func listSIPOutboundTrunks() async throws -> [SIPOutboundTrunkInfo]
    /// Deletes a trunk of either kind.
    func deleteSIPTrunk(id: String) async throws
    /// Creates a dispatch rule.
    func createSIPDispatchRule(_ rule: SIPDispatchRuleInfo) async throws -> SIPDispatchRuleInfo
    /// Replaces a dispatch rule's contents.
    func updateSIPDispatchRule(id: String, replace rule: SIPDispatchRuleInfo) async throws -> SIPDispatchRuleInfo
    /// Every dispatch rule.
    func listSIPDispatchRules() async throws -> [SIPDispatchRuleInfo]
    /// Deletes a dispatch rule.
    func deleteSIPDispatchRule(id: String) async throws
    /// Dials out: a SIP participant joins the room and calls the number.
    func createSIPParticipant(_ request: CreateSIPParticipantRequest) async throws -> SIPParticipantInfo
    /// Transfers a SIP participant's call with a SIP REFER.
    func transferSIPParticipant(_ request: TransferSIPParticipantRequest) async throws -> TransferSIPParticipantResponse

    // MARK: livekit.RoomService

    /// Creates a room (or returns the existing one).
    func createRoom(_ request: CreateRoomRequest) async throws -> Room
    /// Deletes a room, disconnecting everyone (ends its calls).
    func deleteRoom(_ room: String) async throws
    /// Who is in a room.
    func listParticipants(room: String) async throws -> [ParticipantInfo]
    /// One participant of a room (its `sip.callStatus` among its attributes); `not_found` when gone.
    func getParticipant(room: String, identity: String) async throws -> ParticipantInfo
    /// Removes a participant (hangs up a SIP participant).
    func removeParticipant(room: String, identity: String) async throws
    /// Changes a participant's metadata, name, attributes or permissions.
    func updateParticipant(_ request: UpdateParticipantRequest) async throws -> ParticipantInfo

    // MARK: livekit.AgentDispatchService

    /// Sends an agent into a room.
    func createDispatch(_ request: CreateAgentDispatchRequest) async throws -> AgentDispatch

    // MARK: livekit.Egress

    /// Records a participant.
    func startParticipantEgress(_ request: ParticipantEgressRequest) async throws -> EgressInfo
    /// Exports a track.
    func startTrackEgress(_ request: TrackEgressRequest) async throws -> EgressInfo
    /// Stops an egress.
    func stopEgress(id: String) async throws -> EgressInfo

    // MARK: livekit.Ingress

    /// Creates an ingress (e.g. a URL input playing into a room).
    func createIngress(_ request: CreateIngressRequest) async throws -> IngressInfo
    /// Deletes an ingress.
    func deleteIngress(id: String) async throws -> IngressInfo
}
