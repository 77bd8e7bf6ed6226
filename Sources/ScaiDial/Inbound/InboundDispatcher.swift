import Dialplan
import FluentKit
import Foundation
import Logging

/// What livekit-sip (hook door) or a `participant_joined` webhook (webhook door) tells us of a new call.
struct InboundCall: Sendable {
    /// livekit-sip's call id (`SCL_…`): the idempotency key of the whole call.
    let liveKitCallID: String
    var sipCallID: String?
    var sourceIP: String?
    /// The caller as the carrier sent it: a number, a SIP user name, or empty/`anonymous`.
    let from: String
    /// The called number (our DID), in whatever format the carrier used.
    let to: String
    /// LiveKit's inbound trunk id (`ST_…`), when known.
    var liveKitTrunkID: String?
    /// Webhook door: the room livekit-sip already put the caller in, and the caller's identity there.
    var roomName: String?
    var participantIdentity: String?
}

/// The dispatcher's answer, the same for both doors and for every repeat of one call.
enum InboundDecision: Sendable, Equatable {
    case accept(callID: UUID, roomName: String, participantIdentity: String, action: String, ringingTimeoutS: Int, maxCallDurationS: Int)
    case reject(callID: UUID?, sipStatus: Int, reason: String)
}

/// DID → tenant → dialplan → first matching rule; the call, its SIP leg and the decision are
/// written in one transaction. Idempotent per livekit-sip call id.
struct InboundDispatcher: Sendable {
    let persistence: Persistence
    let metrics: MetricsRegistry
    let logger: Logger
    let plans = PlanCache()
    /// Room names of calls that arrive through the hook door (the webhook door's come from LiveKit).
    static let roomPrefix = "scaidial-call"
    /// How long livekit-sip keeps an unanswered caller: long enough for ringing, then a forward
    /// or voicemail (both answer the call); the ring timeout itself is ScaiDial's own timer.
    static let ringingTimeoutS = 180

    func dispatch(_ call: InboundCall) async throws -> InboundDecision {
        let db = persistence.db
        do {
            // The unique livekit_call_id makes a repeat fail at the insert; the first answer stands.
            return try await decide(call, on: db)
        } catch {
            guard (error as? any DatabaseError)?.isConstraintFailure == true else { throw error }
            // The other door (or a retry) recorded this call: answer what was decided then.
            guard let existing = try await CallModel.query(on: db).filter(\.$livekitCallID == call.liveKitCallID).first() else {
                throw error
            }
            return try await Self.decision(for: existing, on: db)
        }
    }

    private func decide(_ call: InboundCall, on db: any Database) async throws -> InboundDecision {
        guard let route = try await findRoute(call, on: db) else {
            // Not recorded: no tenant owns the number. A repeat of a recorded call still gets its answer.
            if let existing = try await CallModel.query(on: db).filter(\.$livekitCallID == call.liveKitCallID).first() {
                return try await Self.decision(for: existing, on: db)
            }
            metrics.increment("scaidial_inbound_unknown_did_total", help: "Inbound calls to numbers no tenant owns (rejected 404)")
            logger.notice(
                "inbound call to an unknown number rejected", metadata: ["to": "\(call.to)", "lk_call_id": "\(call.liveKitCallID)"])
            return .reject(callID: nil, sipStatus: 404, reason: "unknown_did")
        }
        let caller = CallerNumber.forMatching(call.from.isEmpty ? "anonymous" : call.from, country: route.country)
        let record = CallRecord(call: call, route: route, caller: caller)
        if try await route.atCallLimit(on: db) {
            return try await record.reject(sipStatus: 503, reason: "over_limit", on: db)
        }
        guard let planID = route.dialplanID, let version = route.rulesVersion else {
            return try await record.reject(sipStatus: 480, reason: "no_route", on: db)
        }
        let plan = try await plans.plan(planID, version: version, timeZone: route.timeZone, on: db)
        guard let rule = plan.firstMatch(CallFacts(caller: caller, callee: route.number, at: Date())) else {
            return try await record.reject(sipStatus: 480, reason: "no_route", planID: planID, on: db)
        }
        if case .hangup(let status) = rule.action {
            return try await record.reject(sipStatus: status ?? 603, reason: "hangup_rule", planID: planID, ruleID: rule.id, on: db)
        }
        return try await record.accept(rule: rule, planID: planID, on: db)
    }

    /// DIDs are stored in E.164; carriers send `+31…`, `31…` or national `0…` forms. A national form
    /// is read in the country of the tenant that owns the LiveKit trunk the call came in on.
    private func findRoute(_ call: InboundCall, on db: any Database) async throws -> InboundRoute? {
        let raw = call.to.trimmingCharacters(in: .whitespaces)
        var country: String?
        if !raw.hasPrefix("+"), let trunk = call.liveKitTrunkID {
            country = try await InboundRoute.trunkCountry(trunk, on: db)
        }
        var candidates: [String] = []
        if let n = try? E164.normalize(raw, defaultCountry: country) { candidates.append(n) }
        let digits = raw.filter(\.isASCIIDigit)
        if !digits.isEmpty, !candidates.contains("+" + digits) { candidates.append("+" + digits) }
        return try await InboundRoute.find(candidates, on: db)
    }

    /// The decision a stored call stands for (repeats of the same call get the same answer).
    static func decision(for call: CallModel, on db: any Database) async throws -> InboundDecision {
        if call.state == CallState.failed.rawValue {
            return .reject(callID: call.id, sipStatus: call.sipStatus ?? 480, reason: call.endReason ?? "rejected")
        }
        let leg = try await CallLegModel.query(on: db).filter(\.$callID == call.id!).filter(\.$kind == "sip").first()
        let tenant = try await TenantModel.find(call.tenantID, on: db)
        return .accept(
            callID: call.id!, roomName: call.roomName, participantIdentity: leg?.participantIdentity ?? "",
            action: call.action ?? "", ringingTimeoutS: ringingTimeoutS, maxCallDurationS: tenant?.maxCallDurationS ?? 3600)
    }
}

enum CallState: String, CaseIterable, Sendable {
    case routing, ringing, active, ended, failed
    /// States that count against `max_concurrent_calls`.
    static let live = [routing.rawValue, ringing.rawValue, active.rawValue]
}
