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
        "extension_id", "ring_round",
    ]
    private static let legColumns = [
        "id", "tenant_id", "call_id", "kind", "state", "participant_identity", "destination", "failure_reason", "sip_status",
        "started_at", "ended_at", "leg_key", "user_id", "extension_id",
    ]
    private static let jobColumns = [
        "id", "kind", "tenant_id", "dedupe_key", "payload", "state", "run_at", "attempts", "generation", "created_at",
    ]

    /// A call's first transition, run before it is written (`CallEngine.opening`).
    typealias Opening = (call: Call, transition: Transition)

    /// Whether an opening's rows can be written with the batch's multi-row inserts: its effects
    /// are timers and what happens after the commit, and its legs carry nothing the inserts leave
    /// out. Otherwise the call is inserted as decided and the opening written over it by
    /// `CallStore.write` (one call at a time, through the ORM).
    static func writesInBulk(_ opening: Opening) -> Bool {
        let effects = opening.transition.effects.allSatisfy { effect in
            if case .schedule = effect { return true }
            return !effect.isTransactional
        }
        let legs = opening.call.legs.allSatisfy {
            $0.liveKitRef == nil && $0.recordingRef == nil && $0.joinedAt == nil && $0.answeredAt == nil
        }
        return effects && legs && opening.call.answeredBy == nil && opening.call.answeredAt == nil
    }

    /// Writes the calls and their legs (inside the caller's transaction) in multi-row inserts. A
    /// call with an `opening` is written as the opening left it (its legs, ring members and timers
    /// too). A call whose livekit-sip call id is already recorded (the other door or a retry got
    /// there first) is skipped with everything of it; the answer is the ids that were written.
    static func insert(
        _ pending: [Pending], openings: [String: Opening] = [:], callerArrival: TimeInterval = CallMachine.Opening.callerArrivalTimeout,
        on tx: any Database
    ) async throws -> Set<String> {
        guard !pending.isEmpty else { return [] }
        let sql = try tx.sql()
        let bulk = openings.filter { writesInBulk($0.value) }
        let calls = sql.insert(into: "calls").columns(callColumns)
        // Each call as it is written: as its opening left it, else as decided (`opened`).
        let values = pending.map { bulk[$0.liveKitCallID]?.call ?? $0.opened }
        for (p, call) in zip(pending, values) {
            let route = p.record.route
            calls.values([
                call.id, route.tenantID, CallDirection.inbound.rawValue, call.state.rawValue, call.fromNumber, call.toNumber,
                route.didID, route.trunkID, p.row.dialplanID, call.ruleID, call.action?.rawValue, call.roomName, p.liveKitCallID,
                call.endReason?.rawValue, call.sipStatus, call.hops, call.startedAt, call.endedAt, call.phase.rawValue,
                call.extensionID, call.ringRound,
            ])
        }
        let inserted = try await calls.ignoringConflicts(with: "livekit_call_id").returning("livekit_call_id").all()
            .reduce(into: Set<String>()) { $0.insert(try $1.decode(column: "livekit_call_id", as: String.self)) }
        let written = pending.filter { inserted.contains($0.liveKitCallID) }
        let legs = sql.insert(into: "call_legs").columns(legColumns)
        var members: [SQLBind] = []
        var jobs: [[SQLBind]] = []
        var live: [UUID: Int] = [:]
        for (p, call) in zip(pending, values) where inserted.contains(p.liveKitCallID) {
            let tenant = p.record.route.tenantID
            for leg in call.legs {
                legs.values([
                    leg.id, tenant, call.id, leg.kind.rawValue, leg.state.rawValue, leg.identity, leg.destination, leg.failureReason,
                    leg.sipStatus, leg.startedAt, leg.endedAt, leg.key, leg.userID, leg.extensionID,
                ])
            }
            if let ring = call.ring {
                for user in ring.users {
                    members += [SQLBind(UUID.v7(now: p.now)), SQLBind(call.id), SQLBind(user), SQLBind(ring.declined.contains(user))]
                }
            }
            for case .schedule(let timer, let at) in bulk[p.liveKitCallID]?.transition.effects ?? [] {
                jobs.append(
                    try job(
                        CallTimers.jobKind(timer.kind), tenant: tenant, key: CallTimers.dedupeKey(timer.kind, call.id),
                        payload: CallTimers.payload(timer, for: call), at: at, now: p.now))
            }
            if call.state.isLive { live[tenant, default: 0] += 1 }
        }
        if !written.isEmpty { try await legs.run() }
        if !members.isEmpty {
            let insert = sql.insert(into: "ring_members").columns("id", "call_id", "user_id", "declined")
            for row in stride(from: 0, to: members.count, by: 4) { insert.values(Array(members[row..<row + 4])) }
            try await insert.run()
        }
        // A hook-door caller that livekit-sip never puts in its room (it hung up before) must not
        // leave a call ringing browsers and counting against the limit: each gets a timer.
        for p in written where p.opening == .accepted && p.record.call.roomName == nil {
            jobs.append(
                try job(
                    CallTimers.callerArrival, tenant: p.record.route.tenantID, key: CallTimers.dedupeKey(.callerArrival, p.row.id),
                    payload: CallTimers.Payload(callID: p.row.id), at: p.now.addingTimeInterval(callerArrival), now: p.now))
        }
        if !jobs.isEmpty {
            let insert = sql.insert(into: JobModel.schema).columns(jobColumns)
            for row in jobs { insert.values(row) }
            try await insert.run()
        }
        // The live calls' tenants' counters go up with them (after the rows).
        try await LiveCallCounter.add(live, on: tx)
        // Openings the inserts cannot carry are written over their calls, one by one.
        for p in written {
            guard let opening = openings[p.liveKitCallID], bulk[p.liveKitCallID] == nil else { continue }
            guard
                try await CallStore.write(
                    .init(call: p.opened, version: 0), opening.call, effects: opening.transition.effects, now: p.now, on: tx)
            else { throw InboundDispatcher.DispatchError.lostCall(p.liveKitCallID) }
        }
        return inserted
    }

    /// A pending job's row (a call timer).
    private static func job(
        _ kind: String, tenant: UUID, key: String, payload: CallTimers.Payload, at: Date, now: Date
    ) throws -> [SQLBind] {
        let text = String(decoding: try JSONEncoder().encode(payload), as: UTF8.self)
        return [
            SQLBind(UUID.v7(now: now)), SQLBind(kind), SQLBind(tenant), SQLBind(key), SQLBind(text), SQLBind("pending"), SQLBind(at),
            SQLBind(0), SQLBind(0), SQLBind(now),
        ]
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
