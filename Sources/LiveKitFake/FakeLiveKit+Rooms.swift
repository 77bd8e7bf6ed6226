import Foundation
import LiveKit

extension FakeLiveKit {
    static let roomNotFound = FakeRefusal.notFound("requested room does not exist")
    static let participantNotFound = FakeRefusal.notFound("participant does not exist")

    /// The room named `name`, created (with livekit-server's default timeouts) if missing.
    @discardableResult
    func ensureRoom(_ name: String, _ request: CreateRoomRequest? = nil) -> Room {
        if let room = rooms.first(where: { $0.name == name }) { return room }
        defer { emit("room_started", room: name) }
        let room = Room(
            sid: Self.newID("RM_"), name: name, emptyTimeout: request?.emptyTimeout ?? 300,
            departureTimeout: request?.departureTimeout ?? 20,
            maxParticipants: request?.maxParticipants ?? 0, creationTime: Self.nowSeconds, creationTimeMs: Self.nowSeconds * 1000,
            turnPassword: "", metadata: request?.metadata ?? "", numParticipants: 0, numPublishers: 0, activeRecording: false)
        rooms.append(room)
        for agent in request?.agents ?? [] {
            dispatches.append(
                AgentDispatch(
                    id: Self.newID("AD_"), agentName: agent.agentName, room: name, metadata: agent.metadata,
                    state: AgentDispatchState(createdAt: Self.nowNanos)))
        }
        return room
    }

    func refreshCounts(_ name: String) {
        guard let index = rooms.firstIndex(where: { $0.name == name }) else { return }
        rooms[index].numParticipants = UInt32(participants[name]?.count ?? 0)
    }

    func createRoom(_ request: CreateRoomRequest) throws -> FakeAnswer {
        guard let name = request.name, !name.isEmpty else { throw FakeRefusal.invalid("room name is required") }
        return .ok(ensureRoom(name, request))
    }

    /// Everyone is disconnected (`ROOM_DELETED`), then the room finishes (livekit/livekit
    /// `pkg/service/roommanager.go` DeleteRoom closes it with that reason).
    func deleteRoom(_ request: DeleteRoomRequest) throws -> FakeAnswer {
        guard let name = request.room, rooms.contains(where: { $0.name == name }) else { throw Self.roomNotFound }
        for p in participants[name] ?? [] {
            leave(room: name, identity: p.identity ?? "", reason: .roomDeleted)
        }
        closeRoom(name)
        return .empty
    }

    func getParticipant(_ request: RoomParticipantIdentity) throws -> FakeAnswer {
        guard let p = participants[request.room ?? ""]?.first(where: { $0.identity == request.identity }) else {
            throw Self.participantNotFound
        }
        return .ok(p)
    }

    func listParticipants(_ request: ListParticipantsRequest) throws -> FakeAnswer {
        .ok(ListParticipantsResponse(participants: participants[request.room ?? ""] ?? []))
    }

    func removeParticipant(_ request: RoomParticipantIdentity) throws -> FakeAnswer {
        let room = request.room ?? ""
        guard participants[room]?.contains(where: { $0.identity == request.identity }) == true else { throw Self.participantNotFound }
        leave(room: room, identity: request.identity ?? "", reason: .participantRemoved)
        return .empty
    }

    func updateParticipant(_ request: UpdateParticipantRequest) throws -> FakeAnswer {
        let room = request.room ?? ""
        guard let index = participants[room]?.firstIndex(where: { $0.identity == request.identity }) else { throw Self.participantNotFound }
        var p = participants[room]![index]
        if let metadata = request.metadata, !metadata.isEmpty { p.metadata = metadata }
        if let name = request.name, !name.isEmpty { p.name = name }
        if let permission = request.permission { p.permission = permission }
        for (key, value) in request.attributes ?? [:] {
            if p.attributes == nil { p.attributes = [:] }
            p.attributes![key] = value.isEmpty ? nil : value
        }
        participants[room]![index] = p
        return .ok(p)
    }

    func createDispatch(_ request: CreateAgentDispatchRequest) throws -> FakeAnswer {
        guard let room = request.room, !room.isEmpty else { throw FakeRefusal.invalid("room is required") }
        ensureRoom(room)
        let dispatch = AgentDispatch(
            id: Self.newID("AD_"), agentName: request.agentName ?? "", room: room, metadata: request.metadata ?? "",
            state: AgentDispatchState(createdAt: Self.nowNanos), restartPolicy: request.restartPolicy, deployment: request.deployment,
            attributes: request.attributes)
        dispatches.append(dispatch)
        return .ok(dispatch)
    }
}
