import Foundation
import LiveKit

extension FakeLiveKit {
    func startParticipantEgress(_ request: ParticipantEgressRequest) throws -> FakeAnswer {
        guard let roomName = request.roomName, let room = rooms.first(where: { $0.name == roomName }) else { throw Self.roomNotFound }
        guard !request.identity.isBlank else { throw FakeRefusal.invalid("identity is required") }
        return .ok(startEgress(EgressInfo(roomId: room.sid, roomName: roomName, participant: request)))
    }

    func startTrackEgress(_ request: TrackEgressRequest) throws -> FakeAnswer {
        guard let roomName = request.roomName, let room = rooms.first(where: { $0.name == roomName }) else { throw Self.roomNotFound }
        guard !request.trackId.isBlank else { throw FakeRefusal.invalid("track_id is required") }
        return .ok(startEgress(EgressInfo(roomId: room.sid, roomName: roomName, track: request)))
    }

    private func startEgress(_ info: EgressInfo) -> EgressInfo {
        var info = info
        info.egressId = Self.newID("EG_")
        info.sourceType = .sdk
        info.status = .starting
        info.updatedAt = Self.nowNanos
        egresses.append(info)
        return info
    }

    func stopEgress(_ request: StopEgressRequest) throws -> FakeAnswer {
        guard let index = egresses.firstIndex(where: { $0.egressId == request.egressId }) else {
            throw FakeRefusal.notFound("egress does not exist")
        }
        egresses[index].status = .ending
        egresses[index].updatedAt = Self.nowNanos
        return .ok(egresses[index])
    }

    /// A URL ingress starts at once: its participant (kind INGRESS) joins the room.
    func createIngress(_ request: CreateIngressRequest) throws -> FakeAnswer {
        let input = request.inputType ?? .rtmp
        if input == .url {
            let scheme = request.url.flatMap { URL(string: $0)?.scheme?.lowercased() }
            guard let scheme, ["http", "https", "srt"].contains(scheme) else { throw FakeRefusal.invalid("invalid url for URL input") }
        }
        guard let room = request.roomName, !room.isEmpty else { throw FakeRefusal.invalid("room name is required") }
        let id = Self.newID("IN_")
        let info = IngressInfo(
            ingressId: id, name: request.name ?? "", streamKey: input == .url ? "" : Self.newID(""),
            url: input == .url ? request.url : "rtmp://fake-ingress/live", inputType: input, enableTranscoding: request.enableTranscoding,
            audio: request.audio, roomName: room, participantIdentity: request.participantIdentity ?? "",
            participantName: request.participantName ?? "", participantMetadata: request.participantMetadata ?? "", reusable: input != .url,
            state: IngressState(status: .endpointInactive), enabled: request.enabled)
        ingresses.append(info)
        if input == .url {
            addParticipant(
                room: room,
                ParticipantInfo(
                    identity: request.participantIdentity ?? id, metadata: request.participantMetadata, name: request.participantName,
                    kind: .ingress))
            audioArrived(in: room)
        }
        return .ok(info)
    }

    func deleteIngress(_ request: DeleteIngressRequest) throws -> FakeAnswer {
        guard let index = ingresses.firstIndex(where: { $0.ingressId == request.ingressId }) else {
            throw FakeRefusal.notFound("ingress does not exist")
        }
        var info = ingresses.remove(at: index)
        if let room = info.roomName, let identity = info.participantIdentity {
            participants[room]?.removeAll { $0.identity == identity && $0.kind == .ingress }
            refreshCounts(room)
        }
        info.state?.status = .endpointComplete
        return .ok(info)
    }
}
