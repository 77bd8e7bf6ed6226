import Foundation
import LiveKit

/// Everything that can happen to a call. The `CallEngine` turns webhooks, user actions, timers,
/// LiveKit's answers and the sweeper's verdicts into these; `CallMachine.handle` decides.
enum CallEvent: Equatable, Sendable {
    // MARK: routing
    /// The dispatcher's decision is to be carried out (hook door: the caller is not yet in the room,
    /// so only what needs no caller starts: ringing browsers).
    case decided
    /// livekit-sip put the caller in the room (`participant_joined` of the caller's SIP participant).
    case callerJoined(status: SIPCallStatus?)

    // MARK: LiveKit webhooks
    /// Another participant joined: a browser, an agent, a forward target (its `sip.callStatus` if SIP).
    case joined(identity: String, kind: ParticipantKind, sipStatus: SIPCallStatus?)
    /// A SIP participant's `sip.callStatus` as an event carried it.
    case sipStatus(identity: String, status: SIPCallStatus)
    /// A participant published a track (`track_published` names only its sid and identity): a
    /// browser's audio, the answer that counts.
    case trackPublished(identity: String)
    case left(identity: String, reason: DisconnectReason?)
    /// The webhook door refused the call while its caller waits in the room: it is taken out.
    case rejectedInRoom(identity: String)
    case roomFinished
    case ingressEnded(ingressID: String)
    case egressEnded(EgressOutcome)

    // MARK: users
    case answer(user: UUID)
    case decline(user: UUID)
    case hangUp(user: UUID)

    // MARK: timers
    /// `round` nil: a timer set before ring rounds were counted (it stands for the round now ringing).
    case ringTimeout(round: Int?)
    /// The rejoin grace of a browser that left a connected call is over; `present` is LiveKit's
    /// answer to "is it in the room again?".
    case browserGone(identity: String, present: Bool)
    case voicemailLimit
    /// The browser that answered published no audio in time (refused or broken microphone).
    case noAudio(identity: String)
    /// A hook-door caller that livekit-sip never put in its room (it gave up before the room).
    case callerNeverCame
    /// After a restart, what LiveKit says of a leg still dialing: its `sip.callStatus`, or nil
    /// when the participant is gone.
    case dialCheck(legID: UUID, status: SIPCallStatus?)

    // MARK: LiveKit's answers to the machine's effects
    /// The far end answered a dial (`CreateSIPParticipant` with `wait_until_answered` returned).
    case dialAnswered(legID: UUID, sipCallID: String?)
    /// The dial failed: the carrier's SIP status (busy, declined, no answer) or a LiveKit error.
    case dialFailed(legID: UUID, sipStatus: Int?, detail: String)
    case botDispatchFailed(legID: UUID, detail: String)
    case greetingStarted(legID: UUID, ingressID: String)
    case greetingFailed(legID: UUID, detail: String)
    case recordingStarted(legID: UUID, egressID: String, key: String)
    case recordingFailed(legID: UUID, detail: String)
    /// A `refer` forward's job reports: its announcement plays, the caller is answered, the REFER's outcome.
    case announcementStarted(legID: UUID, ingressID: String)
    case announcementFailed(legID: UUID, detail: String)
    case referCallerAnswered(legID: UUID)
    case referred(legID: UUID)
    case referFailed(legID: UUID, reason: EndReason, sipStatus: Int?, detail: String)
    case referCallerGone(legID: UUID)

    // MARK: the sweeper
    /// LiveKit has no room (or nobody in it) for this call.
    case roomGone
}

/// What `egress_ended` says of a recording.
struct EgressOutcome: Equatable, Sendable {
    let egressID: String
    /// Complete (or stopped at its limit): the file is there.
    let complete: Bool
    let seconds: Double
    let sizeBytes: Int
    /// Why it failed, in LiveKit's words.
    let error: String?
}

/// What the machine asks for. Timers and messages are written in the same transaction as the new
/// state; everything else runs after the commit, and whatever LiveKit answers comes back as an event.
enum CallEffect: Equatable, Sendable {
    // MARK: in the transaction
    case schedule(CallTimer, at: Date)
    case cancel(CallTimer.Kind)
    case storeMessage(VoicemailDraft)
    /// A recording that became no message (the caller left during the greeting, nothing was said,
    /// the egress failed): its file is removed from the storage by a durable job.
    case discardRecording(key: String)

    // MARK: after the commit
    /// `ring` to these users' browsers for the extension now ringing.
    case ring(users: [UUID], extensionID: UUID, number: String, name: String)
    case cancelRing(users: [UUID], reason: String)
    /// `call_updated` to the call's own users (who answered it, who placed it).
    case notify
    case dispatchBot(legID: UUID, agent: String)
    case dial(Dial)
    case startGreeting(legID: UUID, box: UUID)
    /// The transfer chime of a `refer` forward (a URL Ingress); it answers the caller.
    case startAnnouncement(legID: UUID)
    case startRecording(legID: UUID, callerIdentity: String, key: String)
    case stopRecording(egressID: String)
    case deleteIngress(id: String)
    case removeParticipant(identity: String)
    case deleteRoom
    /// A message was stored: tell its users, hand it to transcription.
    case messageStored(VoicemailDraft)
}

/// A forward leg to dial into the caller's room (`CreateSIPParticipant`).
struct Dial: Equatable, Sendable, Codable {
    let legID: UUID
    let trunk: String
    let to: String
    let callerID: String
    let identity: String
    /// How long livekit-sip lets the target's phone ring.
    let ringingTimeoutS: Int
    /// The tenant's longest call.
    let maxCallDurationS: Int
}

/// A message to store from a finished recording (once per call).
struct VoicemailDraft: Equatable, Sendable {
    let id: UUID
    let box: UUID
    let storageKey: String
    let seconds: Double
    let sizeBytes: Int
}

/// A durable timer of a call: a job that comes back as an event at its time.
enum CallTimer: Equatable, Sendable {
    case ringTimeout(round: Int)
    case browserGone(identity: String)
    case voicemailLimit
    /// A `refer` forward's work (wait for the answer, REFER): a job that runs at once.
    case refer(legID: UUID, transferTo: String)
    /// The answering browser must publish audio by then.
    case noAudio(identity: String)
    /// A hook-door caller must be in its room by then.
    case callerArrival
    /// Asks LiveKit how a dial stands, in case its answer was lost (a restart).
    case dialCheck(legID: UUID)

    enum Kind: Equatable, Hashable, Sendable {
        case ringTimeout, browserGone(identity: String), voicemailLimit, refer, noAudio(identity: String), callerArrival
        case dialCheck(legID: UUID)
    }

    var kind: Kind {
        switch self {
        case .ringTimeout: .ringTimeout
        case .browserGone(let identity): .browserGone(identity: identity)
        case .voicemailLimit: .voicemailLimit
        case .refer: .refer
        case .noAudio(let identity): .noAudio(identity: identity)
        case .callerArrival: .callerArrival
        case .dialCheck(let legID): .dialCheck(legID: legID)
        }
    }
}

/// Why a user's action was refused (409).
enum CallRefusal: Error, Equatable, Sendable {
    /// Answered elsewhere, handed to voicemail, a forward or a bot, or over.
    case notRinging
    case over

    var problem: Problem {
        switch self {
        case .notRinging: Problem.conflict("this call was answered elsewhere or is no longer ringing").coded("not_ringing")
        case .over: Problem.conflict("this call is over").coded("call_over")
        }
    }
}

/// What handling one event did.
struct Transition: Equatable, Sendable {
    var effects: [CallEffect] = []
    var refusal: CallRefusal?
    /// On `decided`: how long livekit-sip must let the caller ring to cover the longest ring chain
    /// the call may follow (the hook door's `ringing_timeout`).
    var ringingTimeoutS: Int?
}
