import Dialplan
import Foundation

/// Why a click-to-call was refused. Each is a distinct problem: its status, a machine word
/// (`code`) the softphone turns into words, and a `detail` that says what to change.
enum ClickToCallRefusal: Error, Equatable, Sendable {
    case unknownExtension
    case noGrant(extensionNumber: String)
    case liveKitNotConfigured
    case international(destination: String)
    case blockedPrefix(destination: String, prefix: String)
    case notInAllowedPrefixes(destination: String)
    case overConcurrentLimit(limit: Int)
    case rateLimited(limit: Int, retryAfterS: Int)
    case noSyncedTrunk

    var problem: Problem {
        switch self {
        case .unknownExtension:
            Problem.notFound("extension").coded("unknown_extension")
        case .noGrant(let number):
            Problem.forbidden("you hold no grant on extension \(number), so you cannot call from it").coded("no_grant")
        case .liveKitNotConfigured:
            Problem.conflict("calls need LiveKit, and this server has no LIVEKIT_URL configured").coded("livekit_not_configured")
        case .international(let destination):
            Problem.forbidden("\(destination) is an international number, and your tenant's policy does not allow international calls")
                .coded("international_not_allowed")
        case .blockedPrefix(let destination, let prefix):
            Problem.forbidden("\(destination) starts with \(prefix), which your tenant's policy blocks").coded("destination_blocked")
        case .notInAllowedPrefixes(let destination):
            Problem.forbidden("\(destination) matches none of the prefixes your tenant's policy allows").coded("destination_not_allowed")
        case .overConcurrentLimit(let limit):
            Problem.forbidden("your tenant already has \(limit) calls in progress, its limit; try again when one ends")
                .coded("over_concurrent_limit")
        case .rateLimited(let limit, let retryAfterS):
            Problem(
                .tooManyRequests,
                "you placed \(limit) calls within the last hour, the most your tenant allows; try again in \(retryAfterS) s",
                headers: [.retryAfter: String(retryAfterS)]
            ).coded("rate_limited")
        case .noSyncedTrunk:
            Problem.conflict(
                "no trunk of your tenant is ready for calls yet: a trunk needs a number and a successful sync to LiveKit"
            ).coded("no_synced_trunk")
        }
    }
}

/// Where a tenant may call: blocked prefixes first (they beat everything), then international
/// destinations only with `allow_international`, then — when the list is not empty — only
/// destinations under one of `allowed_prefixes`. Pure: no I/O.
struct OutboundPolicy: Sendable, Equatable {
    let homeCountry: String
    let allowInternational: Bool
    let allowedPrefixes: [String]
    let blockedPrefixes: [String]

    /// Nil when `destination` (E.164) may be called.
    func refusal(for destination: String) -> ClickToCallRefusal? {
        // The longest blocked prefix names the rule that bit.
        if let prefix = blockedPrefixes.filter({ destination.hasPrefix($0) }).max(by: { $0.count < $1.count }) {
            return .blockedPrefix(destination: destination, prefix: prefix)
        }
        if !allowInternational && E164.isInternational(destination, homeCountry: homeCountry) {
            return .international(destination: destination)
        }
        if !allowedPrefixes.isEmpty && !allowedPrefixes.contains(where: { destination.hasPrefix($0) }) {
            return .notInAllowedPrefixes(destination: destination)
        }
        return nil
    }
}

extension OutboundPolicy {
    /// The phone number a forward target reaches, when it reaches one: an E.164 number, or a
    /// `sip:`/`tel:` URI whose user part is a number (written as the tenant's people write them:
    /// `+…`, `00…`, or national). nil for a SIP URI that names no number (`sip:desk@pbx.example`).
    static func number(in target: String, country: String) -> String? {
        var user = Substring(target)
        for scheme in ["sip:", "tel:"] where target.lowercased().hasPrefix(scheme) { user = user.dropFirst(scheme.count) }
        user = user.prefix { $0 != "@" && $0 != ";" && $0 != "?" }
        let digits = user.hasPrefix("+") ? user.dropFirst() : user
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-" || $0 == ".") }) else { return nil }
        return try? E164.normalize(String(user), defaultCountry: country)
    }

    /// Why the policy refuses a forward to `target`, in words for the field that names it; nil
    /// when it may be dialled (or names no number).
    func refusal(forwardingTo target: String) -> ClickToCallRefusal? {
        Self.number(in: target, country: homeCountry).flatMap { refusal(for: $0) }
    }

    init(_ tenant: TenantModel) {
        self.init(
            homeCountry: tenant.country, allowInternational: tenant.allowInternational,
            allowedPrefixes: StringList.decode(tenant.allowedPrefixesJSON), blockedPrefixes: StringList.decode(tenant.blockedPrefixesJSON))
    }
}
