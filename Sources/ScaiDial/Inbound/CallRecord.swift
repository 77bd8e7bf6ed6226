import Dialplan
import FluentKit
import Foundation
import SQLKit

/// A new inbound call, its SIP leg and the decision, as rows to write (the call path's hot write,
/// in plain SQL; `CallModel`/`CallLegModel` read the same columns everywhere else).
struct CallRecord: Sendable {
    let call: InboundCall
    let route: InboundRoute
    let caller: String

    /// A decided call not yet written: `write` stores many of them in one transaction.
    struct Pending: Sendable {
        let record: CallRecord
        let decision: InboundDecision
        fileprivate let row: Row
        fileprivate let opening: CallMachine.Opening
        fileprivate let legID: UUID
        fileprivate let now: Date
        var liveKitCallID: String { record.call.liveKitCallID }
    }

    fileprivate struct Row: Sendable {
        var id: UUID
        var roomName: String
        var identity: String
        var dialplanID: UUID?
        var ruleID: UUID?
        var action: String?
        var endReason: EndReason?
        var sipStatus: Int?
        var endedAt: Date?
    }

    private func row(now: Date) -> Row {
        let id = UUID.v7(now: now)
        return Row(
            id: id, roomName: call.roomName ?? "\(InboundDispatcher.roomPrefix)-\(id.uuidString.lowercased())",
            identity: call.participantIdentity ?? "sip_\(caller)")
    }

    func reject(sipStatus: Int, reason: EndReason, planID: UUID? = nil, ruleID: UUID? = nil, now: Date) -> Pending {
        var r = row(now: now)
        r.dialplanID = planID
        r.ruleID = ruleID
        r.action = ruleID == nil ? nil : ActionType.hangup.rawValue
        r.endReason = reason
        r.sipStatus = sipStatus
        r.endedAt = now
        return Pending(
            record: self, decision: .reject(callID: r.id, sipStatus: sipStatus, reason: reason.rawValue), row: r, opening: .rejected,
            legID: UUID.v7(now: now), now: now)
    }

    func accept(rule: Dialplan.Rule, planID: UUID, now: Date) -> Pending {
        var r = row(now: now)
        r.dialplanID = planID
        r.ruleID = rule.id
        r.action = rule.action.type
        return Pending(
            record: self,
            decision: .accept(
                callID: r.id, roomName: r.roomName, participantIdentity: r.identity, action: rule.action.type,
                ringingTimeoutS: InboundDispatcher.ringingTimeoutS, maxCallDurationS: route.maxCallDurationS),
            row: r, opening: .accepted, legID: UUID.v7(now: now), now: now)
    }

    private static let callColumns = [
        "id", "tenant_id", "direction", "state", "from_number", "to_number", "did_id", "trunk_id", "dialplan_id", "rule_id",
        "action", "room_name", "livekit_call_id", "end_reason", "sip_status", "hops", "started_at", "ended_at", "phase",
    ]
    private static let legColumns = [
        "id", "tenant_id", "call_id", "kind", "state", "participant_identity", "destination", "failure_reason", "sip_status",
        "started_at", "ended_at", "leg_key",
    ]

    /// Writes the calls and their SIP legs (inside the caller's transaction): two multi-row
    /// inserts. A call whose livekit-sip call id is already recorded (the other door or a retry got
    /// there first) is skipped with its leg; the answer is the ids that were written.
    static func insert(
        _ pending: [Pending], callerArrival: TimeInterval = CallMachine.Opening.callerArrivalTimeout, on tx: any Database
    ) async throws -> Set<String> {
        guard !pending.isEmpty else { return [] }
        let sql = try tx.sql()
        let calls = sql.insert(into: "calls").columns(callColumns)
        for p in pending {
            let r = p.row, route = p.record.route
            calls.values([
                r.id, route.tenantID, CallDirection.inbound.rawValue, p.opening.state.rawValue, p.record.caller, route.number,
                route.didID, route.trunkID, r.dialplanID, r.ruleID, r.action, r.roomName, p.liveKitCallID, r.endReason?.rawValue,
                r.sipStatus, 0, p.now, r.endedAt, p.opening.phase.rawValue,
            ])
        }
        let inserted = try await calls.ignoringConflicts(with: "livekit_call_id").returning("livekit_call_id").all()
            .reduce(into: Set<String>()) { $0.insert(try $1.decode(column: "livekit_call_id", as: String.self)) }
        let legs = sql.insert(into: "call_legs").columns(legColumns)
        var any = false
        for p in pending where inserted.contains(p.liveKitCallID) {
            let r = p.row
            legs.values([
                p.legID, p.record.route.tenantID, r.id, LegKind.sip.rawValue, p.opening.callerLeg.rawValue, r.identity,
                p.record.route.number, r.endReason?.rawValue, r.sipStatus, p.now, r.endedAt, CallMachine.Opening.callerKey,
            ])
            any = true
        }
        if any { try await legs.run() }
        // A hook-door caller that livekit-sip never puts in its room (it hung up before) must not
        // leave a call ringing browsers and counting against the limit: each gets a timer.
        let arrivals = pending.filter { inserted.contains($0.liveKitCallID) && $0.opening == .accepted && $0.record.call.roomName == nil }
        if !arrivals.isEmpty {
            let jobs = sql.insert(into: JobModel.schema).columns(
                "id", "kind", "tenant_id", "dedupe_key", "payload", "state", "run_at", "attempts", "generation", "created_at")
            for p in arrivals {
                let payload = String(decoding: try JSONEncoder().encode(CallTimers.Payload(callID: p.row.id)), as: UTF8.self)
                jobs.values([
                    SQLBind(UUID.v7(now: p.now)), SQLBind(CallTimers.callerArrival), SQLBind(p.record.route.tenantID),
                    SQLBind(CallTimers.dedupeKey(.callerArrival, p.row.id)), SQLBind(payload), SQLBind("pending"),
                    SQLBind(p.now.addingTimeInterval(callerArrival)), SQLBind(0), SQLBind(0), SQLBind(p.now),
                ])
            }
            try await jobs.run()
        }
        return inserted
    }
}
