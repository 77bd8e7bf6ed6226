import Dialplan
import Foundation

/// What the machine reads besides the call: the rule that matched, extensions with their forward
/// rules and who is granted and online, the call's trunk, the tenant's policy. Loaded by the
/// engine; when the machine needs something that is not here it says so (`CallMachine.Missing`),
/// the engine loads it and runs the machine again.
struct Directory: Sendable {
    var rule: RuleAction?
    var extensions: [UUID: ExtensionFacts] = [:]
    var trunk: TrunkFacts?
    var tenant: TenantFacts?
    /// Whether `rule`, `trunk` and `tenant` were looked up (absent ones stay nil).
    var loaded: Set<Need> = []

    enum Need: Hashable, Sendable {
        case rule, trunk, tenant
        case `extension`(UUID)
    }
}

/// The action of the dialplan rule a call matched.
enum RuleAction: Equatable, Sendable {
    case ringExtension(UUID)
    case voicemail(UUID)
    case forward(target: String, mode: ForwardMode)
    case hangup
}

struct ExtensionFacts: Equatable, Sendable {
    let id: UUID
    let number: String
    let name: String
    let type: ExtensionType
    /// A bot's agent name.
    let targetRef: String?
    let voicemailEnabled: Bool
    let ringTimeoutS: Int
    /// The enabled forward rule of each trigger.
    let forwardRules: [ForwardTrigger: ForwardRuleFacts]
    /// The enabled users granted this extension, in a stable order.
    let users: [UUID]
    /// Those of `users` with a browser online now.
    let online: Set<UUID>
    /// Those of `users` in a live call they answered or placed: not rung, they count as busy.
    var busy: Set<UUID> = []
}

struct ForwardRuleFacts: Equatable, Sendable {
    let targetType: ForwardTargetType
    /// A number, an extension id or a voicemail box id, as stored.
    let target: String?
}

struct TrunkFacts: Equatable, Sendable {
    /// The LiveKit outbound trunk, when the trunk is synced.
    let outboundTrunkID: String?
    /// host[:port] of the carrier.
    let address: String
    /// `sip` or `tel` (spec §3 `refer_uri`).
    let referURI: String

    /// Where a `refer` forward sends the caller: a `sip:` target as given; a number as
    /// `sip:<number>@<trunk address>`, or `tel:<number>` when the trunk says so.
    func referTarget(_ target: String) -> String {
        if target.lowercased().hasPrefix("sip:") || target.lowercased().hasPrefix("sips:") { return target }
        return referURI == "tel" ? "tel:\(target)" : "sip:\(target)@\(address)"
    }
}

struct TenantFacts: Equatable, Sendable {
    /// `did` (present the called DID to forward targets) or `caller`.
    let forwardCallerID: String
    /// The policy's longest call (forward legs carry it to livekit-sip).
    var maxCallDurationS: Int = 3600
    /// Where the tenant may call: every forward that leaves the platform obeys it when dialled.
    var outbound: OutboundPolicy?
}

/// The machine's fixed settings (from the configuration).
struct CallSettings: Equatable, Sendable {
    /// A call follows at most this many forwards to other extensions.
    var maxHops = 5
    /// How long a connected call waits for a user's browser that left it.
    var rejoinGrace: TimeInterval = 10
    /// The longest voicemail message.
    var voicemailMax: TimeInterval = 120
    /// How long the browser that answered has to publish its audio.
    var answerAudioTimeout: TimeInterval = 10
    /// How long a forward target's phone rings (livekit-sip's `ringing_timeout` of the dial).
    var forwardRingingTimeoutS = 30
    /// How long the far end of a click-to-call rings.
    var outboundRingingTimeoutS = 60
    /// What livekit-sip is asked to wait for a ring chain beyond its ring timeouts (a greeting or a
    /// dial to start).
    var ringingMarginS = 30
}
