import Foundation

extension LiveKitClient {
    // MARK: livekit.RoomService

    public func createRoom(_ request: CreateRoomRequest) async throws -> Room {
        try await twirp.call("RoomService", "CreateRoom", request)
    }

    public func deleteRoom(_ room: String) async throws {
        _ = try await twirp.call("RoomService", "DeleteRoom", DeleteRoomRequest(room: room), as: ProtoJSON.Value.self)
    }

    public func listParticipants(room: String) async throws -> [ParticipantInfo] {
        try await twirp.call(
            "RoomService", "ListParticipants", ListParticipantsRequest(room: room), room: room, as: ListParticipantsResponse.self
        ).participants ?? []
    }

    /// One participant (RoomService.GetParticipant): its state and attributes (`sip.callStatus`).
    public func getParticipant(room: String, identity: String) async throws -> ParticipantInfo {
        try await twirp.call(
            "RoomService", "GetParticipant", RoomParticipantIdentity(room: room, identity: identity), room: room, as: ParticipantInfo.self)
    }

    public func removeParticipant(room: String, identity: String) async throws {
        _ = try await twirp.call(
            "RoomService", "RemoveParticipant", RoomParticipantIdentity(room: room, identity: identity), room: room,
            as: ProtoJSON.Value.self)
    }

    public func updateParticipant(_ request: UpdateParticipantRequest) async throws -> ParticipantInfo {
        try await twirp.call("RoomService", "UpdateParticipant", request, room: request.room)
    }

    // MARK: livekit.AgentDispatchService

    public func createDispatch(_ request: CreateAgentDispatchRequest) async throws -> AgentDispatch {
        try await twirp.call("AgentDispatchService", "CreateDispatch", request, room: request.room)
    }

    // MARK: livekit.Egress

    public func startParticipantEgress(_ request: ParticipantEgressRequest) async throws -> EgressInfo {
        try await twirp.call("Egress", "StartParticipantEgress", request)
    }

    public func startTrackEgress(_ request: TrackEgressRequest) async throws -> EgressInfo {
        try await twirp.call("Egress", "StartTrackEgress", request)
    }

    public func stopEgress(id: String) async throws -> EgressInfo {
        try await twirp.call("Egress", "StopEgress", StopEgressRequest(egressId: id))
    }

    // MARK: livekit.Ingress

    public func createIngress(_ request: CreateIngressRequest) async throws -> IngressInfo {
        try await twirp.call("Ingress", "CreateIngress", request)
    }

    public func deleteIngress(id: String) async throws -> IngressInfo {
        try await twirp.call("Ingress", "DeleteIngress", DeleteIngressRequest(ingressId: id))
    }
}
