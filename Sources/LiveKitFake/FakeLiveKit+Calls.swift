import Foundation
import LiveKit

/// The calls the fake plays as livekit-sip and clients do (livekit/sip at be5d3f5, livekit/livekit
/// at 788d4c3): inbound callers that ring until someone speaks to them, outbound dials whose far
/// end picks up, is busy, declines or does not answer, browsers and agents joining and publishing.
extension FakeLiveKit {
    /// What the far end of an outbound dial does.
    public enum Callee: Sendable, Equatable {
        /// Picks up at once (the default).
        case answers
        /// 486 Busy Here: the participant leaves `USER_REJECTED`.
        case busy
        /// 603 Decline: `USER_REJECTED`.
        case declines
        /// Rings out (as if `ringing_timeout` passed): 480 Temporarily Unavailable, `USER_UNAVAILABLE`.
        case noAnswer
        /// Rings until the test decides (`answerCallee`, `failCallee`).
        case rings
    }

    /// A dial waiting for its far end.
    struct PendingDial {
        let room: String
        let identity: String
        let info: SIPParticipantInfo
        var continuation: CheckedContinuation<FakeAnswer, Never>?
        var outcome: FakeAnswer?
    }

    /// How the far end at `number` behaves from now on.
    public func setCallee(_ number: String, _ behaviour: Callee) { callees[number] = behaviour }

    // MARK: - Inbound

    /// livekit-sip puts an inbound caller in `room` (what its dispatch rule, or the hook door,
    /// decided): a SIP participant with livekit-sip's attributes, `ringing`; its track is published
    /// at once; it stays ringing until someone in the room publishes audio or a second SIP
    /// participant joins (livekit/sip `pkg/sip/inbound.go`: join, publish, waitSubscribe up to
    /// `ringing_timeout`, 3 minutes by default; `participant.go` sets the attributes).
    @discardableResult
    public func sipInbound(
        room: String, from: String, to: String, callID: String, trunkID: String = "ST_in", identity: String? = nil
    ) -> String {
        let identity = identity ?? "sip_\(from)"
        addParticipant(
            room: room,
            ParticipantInfo(
                identity: identity, name: "Phone \(from)", kind: .sip,
                attributes: [
                    "sip.callID": callID, "sip.callIDFull": "\(callID.lowercased())@carrier", "sip.phoneNumber": from,
                    "sip.trunkPhoneNumber": to, "sip.trunkID": trunkID, SIPCallStatus.attribute: SIPCallStatus.ringing.rawValue,
                    "sip.hostname": "carrier.example",
                ]))
        publishAudio(room: room, identity: identity)
        return identity
    }

    /// The inbound caller hangs up (a BYE, or a CANCEL while ringing).
    public func callerHangsUp(room: String, identity: String) {
        setCallStatus(room: room, identity: identity, SIPCallStatus.hangup.rawValue)
        leave(room: room, identity: identity, reason: .clientInitiated)
    }

    /// livekit-sip gives up on a caller nobody answered within `ringing_timeout`: the carrier hears
    /// 486, whatever ScaiDial decided (`inbound.go`: `StatusBusyHere`), and the participant leaves.
    public func ringingTimesOut(room: String, identity: String) {
        setCallStatus(room: room, identity: identity, SIPCallStatus.hangup.rawValue)
        leave(room: room, identity: identity, reason: .clientInitiated)
    }

    // MARK: - Browsers and agents

    /// A browser joins with a token ScaiDial gave it (kind STANDARD).
    public func browserJoins(room: String, identity: String) {
        addParticipant(room: room, ParticipantInfo(identity: identity, kind: .standard))
    }

    /// A dispatched agent joins (kind AGENT, an identity of its own) and speaks.
    public func agentJoins(room: String, identity: String? = nil) {
        let identity = identity ?? "agent-\(Self.newID("AJ_"))"
        addParticipant(room: room, ParticipantInfo(identity: identity, kind: .agent))
        publishAudio(room: room, identity: identity)
    }

    // MARK: - Outbound

    /// `CreateSIPParticipant` (livekit/sip `pkg/sip/outbound.go`, `client.go`): the participant joins
    /// the room before the INVITE (`sip.callStatus` `dialing`) and publishes its track at once (the
    /// dial tone); `ringing` on 180; `active` when the far end answers. Without
    /// `wait_until_answered` the RPC answers once the participant is in the room; with it, when the
    /// far end answered, or with the SIP status of why not in the Twirp error's meta
    /// (`sip_status_code`, `sip_status`; protocol `livekit/sip.go` maps the code to the Twirp code).
    func dial(_ request: CreateSIPParticipantRequest, room: String, callee: String, trunk: SIPOutboundTrunkInfo?) -> FakeAnswer {
        let callID = Self.newID("SCL_")
        let identity = request.participantIdentity.isBlank ? "sip_\(callee)" : request.participantIdentity ?? "sip_\(callee)"
        var attributes = request.participantAttributes ?? [:]
        attributes["sip.callID"] = callID
        attributes[SIPCallStatus.attribute] = SIPCallStatus.dialing.rawValue
        attributes["sip.trunkID"] = request.sipTrunkId
        if request.hidePhoneNumber != true {
            attributes["sip.phoneNumber"] = callee
            attributes["sip.trunkPhoneNumber"] = request.sipNumber ?? trunk?.numbers?.first
        }
        outboundIdentities.insert(identity)
        addParticipant(
            room: room,
            ParticipantInfo(
                identity: identity, metadata: request.participantMetadata, name: request.participantName ?? identity, kind: .sip,
                attributes: attributes))
        publishAudio(room: room, identity: identity)
        setCallStatus(room: room, identity: identity, SIPCallStatus.ringing.rawValue)
        let info = SIPParticipantInfo(
            participantId: participants[room]?.first { $0.identity == identity }?.sid, participantIdentity: identity, roomName: room,
            sipCallId: callID)
        pendingDials[identity] = PendingDial(room: room, identity: identity, info: info)
        switch callees[callee] ?? .answers {
        case .answers: answerCallee(room: room, identity: identity)
        case .busy: failCallee(room: room, identity: identity, code: 486, status: "Busy Here", reason: .userRejected)
        case .declines: failCallee(room: room, identity: identity, code: 603, status: "Decline", reason: .userRejected)
        case .noAnswer: failCallee(room: room, identity: identity, code: 480, status: "Temporarily Unavailable", reason: .userUnavailable)
        case .rings: break
        }
        guard request.waitUntilAnswered == true else {
            // Answered once the participant is in the room; the outcome is the participant's.
            pendingDials[identity]?.continuation = nil
            if pendingDials[identity]?.outcome != nil { pendingDials[identity] = nil }
            return .ok(info)
        }
        if let outcome = pendingDials[identity]?.outcome {
            pendingDials[identity] = nil
            return outcome
        }
        return FakeAnswer.waiting(for: identity)
    }

    /// The far end of a ringing dial picks up.
    public func answerCallee(room: String, identity: String) {
        guard var dial = pendingDials[identity] else { return }
        setCallStatus(room: room, identity: identity, SIPCallStatus.active.rawValue)
        dial.outcome = .ok(dial.info)
        settle(identity, dial)
    }

    /// The far end of a ringing dial refuses (busy, decline) or does not answer: the participant
    /// leaves with the disconnect reason livekit-sip gives (`participant.go` DisconnectReason).
    public func failCallee(
        room: String, identity: String, code: Int, status: String, reason: DisconnectReason = .userRejected
    ) {
        guard var dial = pendingDials[identity] else { return }
        dial.outcome = Self.answer(for: .sip(code: code, status: status))
        settle(identity, dial)
        leave(room: room, identity: identity, reason: reason)
    }

    private func settle(_ identity: String, _ dial: PendingDial) {
        if let continuation = dial.continuation, let outcome = dial.outcome {
            continuation.resume(returning: outcome)
            pendingDials[identity] = nil
        } else {
            pendingDials[identity] = dial
        }
    }

    /// A dial whose participant went (removed, its room deleted) before its far end answered: the
    /// RPC fails as livekit-sip's would (487 Request Terminated).
    func cancelPendingDial(identity: String, room: String) {
        guard var dial = pendingDials[identity], dial.room == room, dial.outcome == nil else { return }
        dial.outcome = Self.answer(for: .sip(code: 487, status: "Request Terminated"))
        settle(identity, dial)
    }

    /// Waits for the outcome of a dial with `wait_until_answered`.
    func waitForDial(_ identity: String) async -> FakeAnswer {
        await withCheckedContinuation { continuation in
            guard var dial = pendingDials[identity] else {
                return continuation.resume(returning: .twirp("not_found", "no such dial"))
            }
            if let outcome = dial.outcome {
                pendingDials[identity] = nil
                return continuation.resume(returning: outcome)
            }
            dial.continuation = continuation
            pendingDials[identity] = dial
        }
    }

    /// Runs `body`, then (also when it throws) abandons the dials still ringing, so the
    /// application under test does not wait out a ringing time while it shuts down.
    public func abandoningDials(after body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            abandonDials()
            throw error
        }
        abandonDials()
    }

    /// Dials still waiting are answered with `unavailable` (the fake is going away, or a test is
    /// over and its application must not wait out a ringing time while it shuts down).
    public func abandonDials() {
        for (identity, dial) in pendingDials {
            dial.continuation?.resume(returning: .twirp("unavailable", "the fake LiveKit stopped"))
            pendingDials[identity] = nil
        }
    }

    // MARK: - Ingress and egress

    /// A URL ingress finished playing (its media ended): its participant leaves, `ingress_ended`
    /// comes from the ingress queue (livekit/livekit `pkg/telemetry/events.go` IngressEnded).
    public func endIngress(_ id: String) {
        guard let index = ingresses.firstIndex(where: { $0.ingressId == id }) else { return }
        var info = ingresses.remove(at: index)
        if let room = info.roomName, let identity = info.participantIdentity {
            leave(room: room, identity: identity, reason: .clientInitiated)
        }
        info.state = IngressState(status: .endpointComplete, endedAt: Self.nowNanos)
        emit("ingress_ended", ingress: info)
    }

    /// A recording ended: `egress_ended` (egress queue) with its file's length and size.
    public func endEgress(_ id: String, seconds: Double = 6, size: Int = 48_000, status: EgressStatus = .complete, error: String? = nil) {
        finishEgress(id, seconds: seconds, size: size, status: status, error: error)
    }

    func finishEgress(_ id: String, seconds: Double = 6, size: Int = 48_000, status: EgressStatus = .complete, error: String? = nil) {
        guard let index = egresses.firstIndex(where: { $0.egressId == id }), egresses[index].isRunning else { return }
        egresses[index].status = status
        egresses[index].error = error
        egresses[index].endedAt = Self.nowNanos
        egresses[index].updatedAt = Self.nowNanos
        egresses[index].fileResults = [
            FileInfo(filename: "\(id).ogg", duration: Int64(seconds * 1e9), size: Int64(size), location: "\(id).ogg")
        ]
        emit("egress_ended", egress: egresses[index])
    }
}

extension EgressInfo {
    /// Still recording.
    var isRunning: Bool { status == .starting || status == .active || status == .ending }
}
