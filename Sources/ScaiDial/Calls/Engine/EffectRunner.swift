import FluentKit
import Foundation
import LiveKit
import Logging

/// Carries out the machine's effects that stay in this process, after their transition is
/// written: events to browsers, and a new message handed to transcription. (What reaches LiveKit
/// is `LiveKitWork`, a durable job written with the transition.)
struct EffectRunner: Sendable {
    let hub: EventHub
    let persistence: Persistence
    let logger: Logger
    /// Called with each new voicemail message (transcription hooks in here).
    var messageStored: @Sendable (_ messageID: UUID) async -> Void = { _ in }

    static func greetingPath(box: UUID) -> String { "/media/greetings/\(box.uuidString)" }

    func run(_ effects: [CallEffect], for call: Call) async {
        for effect in effects {
            do {
                try await run(effect, call)
            } catch {
                logger.error(
                    "a call effect failed",
                    metadata: ["call_id": "\(call.id)", "effect": "\(effect)", "error": "\(String(reflecting: error))"])
            }
        }
    }

    private func run(_ effect: CallEffect, _ call: Call) async throws {
        switch effect {
        case .schedule, .cancel, .storeMessage, .discardRecording:
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
        case .dispatchBot, .dial, .startGreeting, .startAnnouncement, .startRecording, .stopRecording, .deleteIngress,
            .removeParticipant, .deleteRoom:
            break  // LiveKit work: a durable job written with the transition (`LiveKitWork`)
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
