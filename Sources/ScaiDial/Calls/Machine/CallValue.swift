import Foundation

/// A call and its legs as the machine sees them: plain values, loaded from and written back to
/// `calls`, `call_legs` and `ring_members` by the `CallStore`.
struct Call: Equatable, Sendable {
    let id: UUID
    let tenantID: UUID
    let direction: CallDirection
    var phase: CallPhase
    let fromNumber: String
    let toNumber: String
    let roomName: String
    let ruleID: UUID?
    let trunkID: UUID?
    /// The action the call is following now (the rule's, or one a forward rule chose).
    var action: ActionType?
    /// The extension ringing now, or that took the call; follows forwards to other extensions.
    var extensionID: UUID?
    /// The user whose browser won the answer.
    var answeredBy: UUID?
    /// Click-to-call: who placed it.
    let placedBy: UUID?
    /// Forwards to other extensions so far (bounded: no loops).
    var hops: Int
    var endReason: EndReason?
    var sipStatus: Int?
    var liveKitCallID: String?
    let startedAt: Date
    var answeredAt: Date?
    var endedAt: Date?
    /// Counts ring rounds: a ring timeout names the round it was set for, so a stale one does nothing.
    var ringRound: Int
    /// Who is rung in the current round and who declined (nil when nobody is being rung).
    var ring: RingRound?
    var legs: [Leg]

    var state: CallState { phase.state(direction: direction) }
    var isLive: Bool { !phase.isOver }

    /// The inbound caller's own leg: the first SIP leg (forwards add later ones).
    /// The inbound caller's leg: the one keyed `caller` (a forward leg made in the same instant
    /// may sort before it); rows written before leg keys existed fall back to the first SIP leg.
    var callerLeg: Leg? {
        guard direction == .inbound else { return nil }
        return legs.first { $0.key == CallMachine.Opening.callerKey } ?? legs.first { $0.kind == .sip && $0.key == nil }
    }
    /// Whether livekit-sip has put the caller in the room (its `participant_joined` arrived).
    var callerInRoom: Bool { callerLeg?.joinedAt != nil }

    /// The leg of a participant identity: its open one, else its latest (a user who answered twice).
    func leg(identity: String) -> Leg? {
        legs.last { $0.identity == identity && $0.state.isOpen } ?? legs.last { $0.identity == identity }
    }
    func leg(id: UUID) -> Leg? { legs.first { $0.id == id } }
    func firstLeg(_ kind: LegKind) -> Leg? { legs.first { $0.kind == kind } }
    var voicemailLeg: Leg? { firstLeg(.voicemail) }
    /// The open leg of a `refer` forward whose caller is answered: its REFER is sent or about to be.
    /// A caller who leaves now may be the transfer working (livekit-sip hangs up the caller once the
    /// REFER succeeds, and that `participant_left` can overtake `TransferSIPParticipant`'s answer).
    var referInFlight: Leg? {
        guard phase == .active, direction == .inbound else { return nil }
        return legs.first { $0.kind == .sip && $0.identity == nil && $0.id != callerLeg?.id && $0.state.isOpen && $0.answeredAt == nil }
    }
}

/// One participant of a call (spec §3 Call leg).
struct Leg: Equatable, Sendable {
    let id: UUID
    let kind: LegKind
    var state: LegState
    /// Unique within its call (`caller`, `callee`, `wave:<user>`, `bot`, `voicemail`,
    /// `forward:<target>`): a second leg for the same purpose cannot be written.
    let key: String?
    var identity: String?
    var userID: UUID?
    var extensionID: UUID?
    var destination: String?
    var failureReason: String?
    var sipStatus: Int?
    /// The LiveKit object working for this leg: a greeting or announcement Ingress.
    var liveKitRef: String?
    /// The voicemail recording's Egress (it runs from the greeting's start).
    var recordingRef: String?
    let startedAt: Date
    /// When its participant joined the room.
    var joinedAt: Date?
    var answeredAt: Date?
    var endedAt: Date?

    init(
        id: UUID, kind: LegKind, state: LegState, key: String?, identity: String? = nil, userID: UUID? = nil,
        extensionID: UUID? = nil, destination: String? = nil, startedAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.state = state
        self.key = key
        self.identity = identity
        self.userID = userID
        self.extensionID = extensionID
        self.destination = destination
        self.startedAt = startedAt
    }

    /// Ends the leg: `answered` legs and unanswered ones alike become `ended` (a refusal or an error
    /// is a `fail`).
    mutating func end(at now: Date, reason: String? = nil) {
        guard state.isOpen else { return }
        state = .ended
        if let reason { failureReason = reason }
        endedAt = endedAt ?? now
    }

    mutating func fail(at now: Date, reason: String, sipStatus: Int? = nil) {
        guard state.isOpen else { return }
        state = .failed
        failureReason = reason
        self.sipStatus = sipStatus ?? self.sipStatus
        endedAt = endedAt ?? now
    }

    mutating func answer(at now: Date) {
        guard state == .dialing || state == .ringing else { return }
        state = .answered
        answeredAt = answeredAt ?? now
    }
}

/// One ring round: the users rung (online and granted when it started) and who of them declined.
struct RingRound: Equatable, Sendable {
    var users: [UUID]
    var declined: Set<UUID> = []
    /// Everyone rung has declined.
    var allDeclined: Bool { !users.isEmpty && users.allSatisfy(declined.contains) }
}
