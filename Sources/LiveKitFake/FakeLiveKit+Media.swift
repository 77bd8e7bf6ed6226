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

    /// An egress starts and runs until stopped, until its participant leaves, or until a test ends
    /// it (`endEgress`). The RPC answers `EGRESS_STARTING`; `egress_started` carries the same info
    /// (livekit/livekit `pkg/service/ioservice.go` CreateEgress), then `egress_updated` says it is
    /// `EGRESS_ACTIVE` (UpdateEgress) — both from the egress queue, not the room's.
    private func startEgress(_ info: EgressInfo) -> EgressInfo {
        var info = info
        info.egressId = Self.newID("EG_")
        info.sourceType = .sdk
        info.status = .starting
        info.startedAt = Self.nowNanos
        info.updatedAt = Self.nowNanos
        emit("egress_started", egress: info)
        var active = info
        active.status = .active
        egresses.append(active)
        emit("egress_updated", egress: active)
        return info
    }

    /// Stopping answers `ENDING`; the file is finished and `egress_ended` follows.
    func stopEgress(_ request: StopEgressRequest) throws -> FakeAnswer {
        guard let index = egresses.firstIndex(where: { $0.egressId == request.egressId }), egresses[index].isRunning else {
            throw FakeRefusal.notFound("egress does not exist")
        }
        egresses[index].status = .ending
        egresses[index].updatedAt = Self.nowNanos
        let answer = egresses[index]
        finishEgress(request.egressId ?? "")
        return .ok(answer)
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
            // Its participant joins and publishes the file's audio (which answers a ringing caller).
            let identity = request.participantIdentity ?? id
            addParticipant(
                room: room,
                ParticipantInfo(identity: identity, metadata: request.participantMetadata, name: request.participantName, kind: .ingress))
            publishAudio(room: room, identity: identity)
            var started = info
            started.state = IngressState(status: .endpointPublishing, startedAt: Self.nowNanos)
            emit("ingress_started", ingress: started)
        }
        return .ok(info)
    }

    /// Deleting a playing ingress ends it: its participant leaves, `ingress_ended` follows.
    func deleteIngress(_ request: DeleteIngressRequest) throws -> FakeAnswer {
        guard let index = ingresses.firstIndex(where: { $0.ingressId == request.ingressId }) else {
            throw FakeRefusal.notFound("ingress does not exist")
        }
        var info = ingresses[index]
        endIngress(request.ingressId ?? "")
        info.state?.status = .endpointComplete
        return .ok(info)
    }
}
