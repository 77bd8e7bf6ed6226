import FluentKit
import Foundation
import LiveKit
import Logging

/// Carries out the machine's effects after their transition is written: events to browsers, and
/// LiveKit calls, whose answers (or failures) go back to the engine as the call's next events.
struct EffectRunner: Sendable {
    let hub: EventHub
    let liveKit: (any LiveKitAPI)?
    let links: MediaLinks
    /// Where Egress writes a recording stored under a key (the storage's own output settings).
    let egressOutput: @Sendable (_ key: String) -> EncodedFileOutput
    let persistence: Persistence
    let logger: Logger
    /// Called with each new voicemail message (transcription hooks in here).
    var messageStored: @Sendable (_ messageID: UUID) async -> Void = { _ in }

    static func greetingPath(box: UUID) -> String { "/media/greetings/\(box.uuidString)" }

    func run(_ effects: [CallEffect], for call: Call, engine: CallEngine) async {
        for effect in effects {
            do {
                try await run(effect, call, engine)
            } catch {
                logger.error(
                    "a call effect failed",
                    metadata: ["call_id": "\(call.id)", "effect": "\(effect)", "error": "\(String(reflecting: error))"])
            }
        }
    }

    private func run(_ effect: CallEffect, _ call: Call, _ engine: CallEngine) async throws {
        switch effect {
        case .schedule, .cancel, .storeMessage:
            break  // written with the transition
        case .ring(let users, let extensionID, let number, let name):
            hub.send(
                .make(
                    "ring",
                    [
                        "call_id": call.id, "from": call.fromNumber, "to": call.toNumber, "extension_id": extensionID,
                        "extension_number": number, "extension_name": name, "room_name": call.roomName,
                    ]), to: users)
        case .cancelRing(let users, let reason):
            hub.send(.make("ring_cancelled", ["call_id": call.id, "reason": reason]), to: users)
        case .notify:
            let users = [call.answeredBy, call.placedBy].compactMap { $0 }
            guard !users.isEmpty else { return }
            var fields: [String: any Sendable] = ["call_id": call.id, "state": call.state.rawValue]
            if let reason = call.endReason { fields["end_reason"] = reason.rawValue }
            if let status = call.sipStatus { fields["sip_status"] = status }
            hub.send(.make("call_updated", fields), to: users)
        case .dispatchBot(let legID, let agent):
            guard let liveKit else {
                try await engine.apply(.botDispatchFailed(legID: legID, detail: "LiveKit is not configured"), to: call.id)
                return
            }
            do {
                let metadata = try Self.json(["scaidial_call_id": call.id.uuidString, "from": call.fromNumber, "to": call.toNumber])
                _ = try await liveKit.createDispatch(CreateAgentDispatchRequest(agentName: agent, room: call.roomName, metadata: metadata))
            } catch let error as LiveKitError {
                try await engine.apply(.botDispatchFailed(legID: legID, detail: error.description), to: call.id)
            }
        case .dial(let dial):
            guard let liveKit else {
                try await engine.apply(.dialFailed(legID: dial.legID, sipStatus: nil, detail: "LiveKit is not configured"), to: call.id)
                return
            }
            do {
                _ = try await liveKit.createSIPParticipant(
                    CreateSIPParticipantRequest(
                        sipTrunkId: dial.trunk, sipCallTo: dial.to, sipNumber: dial.callerID, roomName: call.roomName,
                        participantIdentity: dial.identity, participantName: dial.to, playDialtone: true, waitUntilAnswered: false))
            } catch let error as LiveKitError {
                try await engine.apply(
                    .dialFailed(legID: dial.legID, sipStatus: error.sipStatusCode, detail: error.description), to: call.id)
            }
        case .startGreeting(let legID, let box):
            guard let liveKit else {
                // Without LiveKit no call reaches a room; the call waits like every other one would.
                return logger.warning("voicemail needs LiveKit: LIVEKIT_URL is not set", metadata: ["call_id": "\(call.id)"])
            }
            do {
                let ingress = try await liveKit.createIngress(
                    CreateIngressRequest(
                        inputType: .url, url: links.sign(Self.greetingPath(box: box), now: engine.clock.now),
                        name: "scaidial-greeting-\(call.id.uuidString.lowercased())", roomName: call.roomName,
                        participantIdentity: "vm_greeting_\(call.id.uuidString.lowercased().prefix(8))",
                        participantName: "Voicemail greeting"))
                try await engine.apply(.greetingStarted(legID: legID, ingressID: ingress.ingressId ?? ""), to: call.id)
            } catch let error as LiveKitError {
                try await engine.apply(.greetingFailed(legID: legID, detail: error.description), to: call.id)
            }
        case .startRecording(let legID, let caller, let key):
            guard let liveKit else { return }
            do {
                let egress = try await liveKit.startParticipantEgress(
                    ParticipantEgressRequest(roomName: call.roomName, identity: caller, fileOutputs: [egressOutput(key)]))
                try await engine.apply(.recordingStarted(legID: legID, egressID: egress.egressId ?? "", key: key), to: call.id)
            } catch let error as LiveKitError {
                try await engine.apply(.recordingFailed(legID: legID, detail: error.description), to: call.id)
            }
        case .stopRecording(let egressID):
            do {
                _ = try await liveKit?.stopEgress(id: egressID)
            } catch let error as LiveKitError where error.twirpCode == "not_found" || error.twirpCode == "failed_precondition" {
                // Already ending.
            }
        case .deleteIngress(let id):
            _ = try? await liveKit?.deleteIngress(id: id)
        case .removeParticipant(let identity):
            try await liveKit?.removeParticipant(room: call.roomName, identity: identity)
        case .deleteRoom:
            do {
                try await liveKit?.deleteRoom(call.roomName)
            } catch let error as LiveKitError where error.kind == .twirp(code: "not_found") {}
        case .messageStored(let draft):
            let users = try await GrantModel.enabledUsers(of: draft.box, on: persistence.db)
            hub.send(
                .make(
                    "voicemail",
                    [
                        "call_id": call.id, "voicemail_id": draft.id, "extension_id": draft.box, "caller": call.fromNumber,
                        "duration_s": draft.seconds,
                    ]), to: users)
            await messageStored(draft.id)
        }
    }

    static func json(_ object: [String: String]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
