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
        /// The matched rule's action (accepted calls).
        var ruleAction: Dialplan.Action? = nil
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
            row: r, opening: .accepted, legID: UUID.v7(now: now), now: now, ruleAction: rule.action)
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
        // The accepted calls are live: their tenants' counters go up with them (after the rows).
        var live: [UUID: Int] = [:]
        for p in pending where inserted.contains(p.liveKitCallID) && p.opening.state.isLive {
            live[p.record.route.tenantID, default: 0] += 1
        }
        try await LiveCallCounter.add(live, on: tx)
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

extension CallRecord.Pending {
    /// The call exactly as `insert` writes it (version 0): what its first event starts from.
    var opened: Call {
        let r = row, route = record.route
        var caller = Leg(
            id: legID, kind: .sip, state: opening.callerLeg, key: CallMachine.Opening.callerKey, identity: r.identity,
            destination: route.number, startedAt: now)
        caller.failureReason = r.endReason?.rawValue
        caller.sipStatus = r.sipStatus
        caller.endedAt = r.endedAt
        return Call(
            id: r.id, tenantID: route.tenantID, direction: .inbound, phase: opening.phase, fromNumber: record.caller,
            toNumber: route.number, roomName: r.roomName, ruleID: r.ruleID, trunkID: route.trunkID,
            action: r.action.flatMap(ActionType.init(rawValue:)), extensionID: nil, answeredBy: nil, placedBy: nil, hops: 0,
            endReason: r.endReason, sipStatus: r.sipStatus, liveKitCallID: liveKitCallID, startedAt: now, answeredAt: nil,
            endedAt: r.endedAt, ringRound: 0, ring: nil, legs: [caller])
    }

    /// A hook-door call whose rule rings an extension: browsers may ring before the caller is in
    /// the room, so its ringing starts in the batch that writes it (bots, forwards and voicemail
    /// wait for the caller's `participant_joined`).
    var ringsAtOnce: Bool {
        guard opening == .accepted, record.call.roomName == nil, case .ringExtension = ruleAction else { return false }
        return true
    }
}
