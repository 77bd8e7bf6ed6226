/// The words of a call's record (spec §3, Appendix A). Stored as these raw strings, so the API
/// and the database read exactly what they read before these were types.

/// What the API shows of a call.
enum CallState: String, Codable, CaseIterable, Sendable {
    case routing, ringing, active, ended, failed
    /// The states that count against `max_concurrent_calls`.
    static let live: [CallState] = [.routing, .ringing, .active]
    var isLive: Bool { Self.live.contains(self) }
}

enum CallDirection: String, Codable, CaseIterable, Sendable { case inbound, outbound }

enum LegKind: String, Codable, CaseIterable, Sendable { case sip, wave, bot, voicemail }

enum LegState: String, Codable, CaseIterable, Sendable {
    case dialing, ringing, answered, ended, failed
    /// Still part of the call: not ended and not failed.
    var isOpen: Bool { self == .dialing || self == .ringing || self == .answered }
}

/// Why a call ended (`ended`) or never connected (`failed`): a short machine word.
enum EndReason: String, Codable, CaseIterable, Sendable {
    /// Answered, then someone hung up.
    case completed
    /// Ended through the API (`POST /me/calls/{id}/hangup`), or the user's browser left for good.
    case hangupByUser = "hangup_by_user"
    /// The caller gave up before anyone answered.
    case callerHangup = "caller_hangup"
    case noAnswer = "no_answer"
    /// Everyone rung declined and nothing else was configured.
    case busy
    /// The caller left a message (or reached the greeting).
    case voicemail
    case noRoute = "no_route"
    case hangupRule = "hangup_rule"
    case overLimit = "over_limit"
    case policy
    case carrierRejected = "carrier_rejected"
    case liveKitError = "livekit_error"
    case tooManyHops = "too_many_hops"
    /// The sweeper found the call's room gone at LiveKit.
    case roomGone = "room_gone"
    /// A `refer` forward handed the caller to the target outside LiveKit.
    case transferred
    case forwardFailed = "forward_failed"
    /// The bot left before it had answered.
    case botLeft = "bot_left"
    case voicemailFailed = "voicemail_failed"
    /// A forward needed a synced trunk and the call's trunk has none.
    case noTrunk = "no_trunk"
    /// A hook-door caller never reached its room (it hung up before livekit-sip put it there).
    case callerGone = "caller_gone"

    /// The SIP status the hook door rejects with when the decision already ended the call.
    var sipStatus: Int {
        switch self {
        case .busy: 486
        case .tooManyHops: 482
        case .overLimit: 503
        case .hangupRule: 603
        case .noRoute: 480
        default: 480
        }
    }
}

/// Where a call is, in more detail than `CallState`: the machine's own word, stored next to the
/// public state (`calls.phase`). `state` is a function of it (`CallPhase.state(direction:)`).
enum CallPhase: String, Codable, CaseIterable, Sendable {
    /// Decided; its action waits for the caller to be in the room (hook door), or for LiveKit to
    /// take the dial (click-to-call).
    case routing
    /// The browsers of `extension_id` are being rung (one ring round).
    case ringing
    /// A user answered; their browser is joining the room.
    case connecting
    /// Click-to-call: the far end's phone is being rung.
    case dialing
    /// An agent was dispatched and has not joined yet.
    case botDialing = "bot_dialing"
    /// A forward (bridge or refer) is under way.
    case forwarding
    /// The voicemail greeting plays to the caller.
    case greeting
    /// The caller's message is being recorded.
    case recording
    /// The parties are connected.
    case active
    case ended
    case failed

    var isOver: Bool { self == .ended || self == .failed }

    /// What the API shows. An inbound call that waits for its action is `ringing` for the caller
    /// (livekit-sip sent 180); a click-to-call LiveKit has not yet taken is `routing`.
    func state(direction: CallDirection) -> CallState {
        switch self {
        case .routing: direction == .inbound ? .ringing : .routing
        case .ringing, .connecting, .dialing, .botDialing, .forwarding, .greeting: .ringing
        case .recording, .active: .active
        case .ended: .ended
        case .failed: .failed
        }
    }
}
