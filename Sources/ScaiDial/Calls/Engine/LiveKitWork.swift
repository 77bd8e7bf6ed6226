import FluentKit
import Foundation
import LiveKit
import Logging

/// The machine's effects that call LiveKit, as durable jobs written in the same transaction as the
/// transition that wanted them: the webhook that caused them is answered at once (livekit-server
/// drops webhooks that wait long in its queue), a crash loses none, and a retry of the webhook finds
/// them done. What LiveKit answers comes back to the engine as the call's next event.
///
/// Starting things (a bot, a greeting, a recording, an announcement) is tried three times when
/// LiveKit is briefly away, then reported as failed. A dial is tried once: a dial that timed out
/// may still ring the far end, and a second one would ring it twice. Taking things down (a room,
/// a participant, a recording, an ingress) is retried with backoff until LiveKit confirms it, or
/// says it is gone already: a caller must never stay connected to a call recorded as ended.
enum LiveKitWork: Codable, Equatable, Sendable {
    case dispatchBot(legID: UUID, agent: String)
    case dial(Dial)
    case startGreeting(legID: UUID, box: UUID)
    case startAnnouncement(legID: UUID)
    case startRecording(legID: UUID, callerIdentity: String, key: String)
    case stopRecording(egressID: String)
    case deleteIngress(id: String)
    case removeParticipant(identity: String)
    case deleteRoom

    static let jobKind = "livekit_work"

    struct Payload: Codable, Sendable {
        /// nil for a caller that belongs to no call (an unknown number at the webhook door).
        let callID: UUID?
        let room: String
        let work: LiveKitWork
    }

    init?(_ effect: CallEffect) {
        switch effect {
        case .dispatchBot(let leg, let agent): self = .dispatchBot(legID: leg, agent: agent)
        case .dial(let dial): self = .dial(dial)
        case .startGreeting(let leg, let box): self = .startGreeting(legID: leg, box: box)
        case .startAnnouncement(let leg): self = .startAnnouncement(legID: leg)
        case .startRecording(let leg, let caller, let key): self = .startRecording(legID: leg, callerIdentity: caller, key: key)
        case .stopRecording(let egress): self = .stopRecording(egressID: egress)
        case .deleteIngress(let id): self = .deleteIngress(id: id)
        case .removeParticipant(let identity): self = .removeParticipant(identity: identity)
        case .deleteRoom: self = .deleteRoom
        default: return nil
        }
    }

    /// One job per call and piece of work.
    func dedupeKey(call: UUID) -> String {
        let what: String
        switch self {
        case .dispatchBot(let leg, _): what = "dispatch:\(leg)"
        case .dial(let dial): what = "dial:\(dial.legID)"
        case .startGreeting(let leg, _): what = "greeting:\(leg)"
        case .startAnnouncement(let leg): what = "announcement:\(leg):\(UUID())"  // it loops: each round its own
        case .startRecording(let leg, _, _): what = "recording:\(leg)"
        case .stopRecording(let egress): what = "stop-recording:\(egress)"
        case .deleteIngress(let id): what = "delete-ingress:\(id)"
        case .removeParticipant(let identity): what = "remove:\(identity)"
        case .deleteRoom: what = "delete-room"
        }
        return "\(Self.jobKind):\(call):\(what)"
    }

    func enqueue(for call: Call, at now: Date, on tx: any Database) async throws {
        try await JobQueue.enqueue(
            Self.jobKind, payload: Payload(callID: call.id, room: call.roomName, work: self), dedupeKey: dedupeKey(call: call.id),
            tenantID: call.tenantID, runAt: now, on: tx)
    }

    /// Work on a room no call owns (taking an unknown number's caller out of its room).
    static func enqueue(_ work: LiveKitWork, room: String, at now: Date, on db: any Database) async throws {
        try await JobQueue.enqueue(
            jobKind, payload: Payload(callID: nil, room: room, work: work), dedupeKey: "\(jobKind):\(room):\(work)", runAt: now, on: db)
    }
}

/// Runs `LiveKitWork` jobs.
struct LiveKitWorkHandler: JobHandler {
    var kind: String { LiveKitWork.jobKind }
    let engine: CallEngine
    let liveKit: (any LiveKitAPI)?
    let links: MediaLinks
    /// Where Egress writes a recording stored under a key (the storage's own output settings).
    let egressOutput: @Sendable (_ key: String) -> EncodedFileOutput
    /// What answers a `refer` forward's caller: ScaiDial's transfer tone at its public URL.
    let announcementURL: String
    let logger: Logger
    /// Starting things is tried this often before it is reported as failed.
    static let startAttempts = 3

    func run(payload: String, attempt: Int, retryAt: Date) async throws {
        let p = try JSONDecoder().decode(LiveKitWork.Payload.self, from: Data(payload.utf8))
        guard let callID = p.callID else {
            // A room no call owns: only taking down applies.
            guard let liveKit, Self.isTeardown(p.work) else { return }
            return try await tearDown(p.work, room: p.room, liveKit: liveKit)
        }
        guard let call = try await CallStore.load(callID, on: engine.persistence.db)?.call else { return }
        guard let liveKit else {
            // Without LiveKit nothing can start, and there is nothing to take down.
            if let failure = Self.failure(of: p.work, "LiveKit is not configured", sipStatus: nil) {
                try await engine.apply(failure, to: call.id)
            }
            return
        }
        if Self.isTeardown(p.work) { return try await tearDown(p.work, room: call.roomName, liveKit: liveKit) }
        if case .dial(let dial) = p.work, attempt > 0 {
            // The run that dialed died waiting for the answer: dialing again could ring the target
            // twice, so LiveKit is asked how that dial stands.
            return try await settle(dial, of: call, liveKit: liveKit)
        }
        do {
            try await perform(p.work, for: call, liveKit: liveKit)
        } catch let error as LiveKitError {
            if case .dial = p.work {} else if error.isRetryable && attempt + 1 < Self.startAttempts { throw error }
            if let failure = Self.failure(of: p.work, error.description, sipStatus: error.sipStatusCode) {
                try await engine.apply(failure, to: call.id)
            }
        }
    }

    private func perform(_ work: LiveKitWork, for call: Call, liveKit: any LiveKitAPI) async throws {
        let engine = self.engine
        switch work {
        case .dispatchBot(_, let agent):
            let metadata = try EffectRunner.json(["scaidial_call_id": call.id.uuidString, "from": call.fromNumber, "to": call.toNumber])
            _ = try await liveKit.createDispatch(CreateAgentDispatchRequest(agentName: agent, room: call.roomName, metadata: metadata))
        case .dial(let dial):
            // Waits for the answer: success is the far end picking up; a busy, declined or unanswered
            // call fails with its SIP status in the Twirp error's meta.
            let info = try await liveKit.createSIPParticipant(
                CreateSIPParticipantRequest(
                    sipTrunkId: dial.trunk, sipCallTo: dial.to, sipNumber: dial.callerID, roomName: call.roomName,
                    participantIdentity: dial.identity, participantName: dial.to, playDialtone: true,
                    ringingTimeout: .seconds(Int64(dial.ringingTimeoutS)), maxCallDuration: .seconds(Int64(dial.maxCallDurationS)),
                    waitUntilAnswered: true))
            try await engine.apply(.dialAnswered(legID: dial.legID, sipCallID: info.sipCallId), to: call.id)
        case .startGreeting(let legID, let box):
            let ingress = try await liveKit.createIngress(
                CreateIngressRequest(
                    inputType: .url, url: links.sign(EffectRunner.greetingPath(box: box), now: engine.clock.now),
                    name: "scaidial-greeting-\(call.id.uuidString.lowercased())", roomName: call.roomName,
                    participantIdentity: "vm_greeting_\(call.id.uuidString.lowercased().prefix(8))", participantName: "Voicemail greeting"))
            try await engine.apply(.greetingStarted(legID: legID, ingressID: ingress.ingressId ?? ""), to: call.id)
        case .startAnnouncement(let legID):
            let ingress = try await liveKit.createIngress(
                CreateIngressRequest(
                    inputType: .url, url: announcementURL, name: "scaidial-transfer-\(call.id.uuidString.lowercased())",
                    roomName: call.roomName, participantIdentity: "announce_\(legID.uuidString.lowercased().prefix(8))",
                    participantName: "Transfer announcement"))
            try await engine.apply(.announcementStarted(legID: legID, ingressID: ingress.ingressId ?? ""), to: call.id)
        case .startRecording(let legID, let caller, let key):
            let egress = try await liveKit.startParticipantEgress(
                ParticipantEgressRequest(roomName: call.roomName, identity: caller, fileOutputs: [egressOutput(key)]))
            try await engine.apply(.recordingStarted(legID: legID, egressID: egress.egressId ?? "", key: key), to: call.id)
        case .stopRecording, .deleteIngress, .removeParticipant, .deleteRoom:
            try await tearDown(work, room: call.roomName, liveKit: liveKit)
        }
    }

    /// A dial whose answer was lost: answered, still ringing (asked again later), or gone.
    private func settle(_ dial: Dial, of call: Call, liveKit: any LiveKitAPI) async throws {
        guard let leg = call.leg(id: dial.legID), leg.state == .dialing || leg.state == .ringing else { return }
        let status: SIPCallStatus?
        do {
            let participant = try await liveKit.getParticipant(room: call.roomName, identity: dial.identity)
            status = participant.attributes?[SIPCallStatus.attribute].flatMap(SIPCallStatus.init(rawValue:))
        } catch let error as LiveKitError where error.twirpCode == "not_found" {
            status = nil
        }
        if status == .dialing || status == .ringing { throw DialStillRinging(identity: dial.identity) }
        try await engine.apply(.dialCheck(legID: dial.legID, status: status), to: call.id)
    }

    struct DialStillRinging: Error, CustomStringConvertible {
        let identity: String
        var description: String { "\(identity) is still ringing; asking LiveKit again later" }
    }

    /// Takes something down. Gone already is done; what LiveKit may answer differently later (5xx,
    /// unreachable, slow) is retried with backoff until it confirms.
    private func tearDown(_ work: LiveKitWork, room: String, liveKit: any LiveKitAPI) async throws {
        do {
            switch work {
            case .stopRecording(let egressID): _ = try await liveKit.stopEgress(id: egressID)
            case .deleteIngress(let id): _ = try await liveKit.deleteIngress(id: id)
            case .removeParticipant(let identity): try await liveKit.removeParticipant(room: room, identity: identity)
            case .deleteRoom: try await liveKit.deleteRoom(room)
            default: return
            }
        } catch let error as LiveKitError {
            if error.twirpCode == "not_found" || error.twirpCode == "failed_precondition" { return }
            if error.isRetryable { throw error }
            logger.error("LiveKit refused to take something down", metadata: ["room": "\(room)", "work": "\(work)", "error": "\(error)"])
        }
    }

    static func isTeardown(_ work: LiveKitWork) -> Bool {
        switch work {
        case .stopRecording, .deleteIngress, .removeParticipant, .deleteRoom: true
        default: false
        }
    }

    /// What the machine hears when starting something failed for good.
    static func failure(of work: LiveKitWork, _ detail: String, sipStatus: Int?) -> CallEvent? {
        switch work {
        case .dispatchBot(let leg, _): .botDispatchFailed(legID: leg, detail: detail)
        case .dial(let dial): .dialFailed(legID: dial.legID, sipStatus: sipStatus, detail: detail)
        case .startGreeting(let leg, _): .greetingFailed(legID: leg, detail: detail)
        case .startAnnouncement(let leg): .announcementFailed(legID: leg, detail: detail)
        case .startRecording(let leg, _, _): .recordingFailed(legID: leg, detail: detail)
        case .stopRecording, .deleteIngress, .removeParticipant, .deleteRoom: nil
        }
    }
}
