import Dialplan
import FluentKit
import Foundation
import SQLKit

/// Writes a new inbound call, its SIP leg and the decision in one transaction, in plain SQL (the
/// call path's hot write; `CallModel`/`CallLegModel` read the same columns everywhere else).
struct CallRecord {
    let call: InboundCall
    let route: InboundRoute
    let caller: String

    private struct Row {
        var id: UUID
        var state: CallState
        var roomName: String
        var identity: String
        var dialplanID: UUID?
        var ruleID: UUID?
        var action: String?
        var endReason: String?
        var sipStatus: Int?
        var endedAt: Date?
    }

    private func row(state: CallState, now: Date) -> Row {
        let id = UUID.v7(now: now)
        return Row(
            id: id, state: state, roomName: call.roomName ?? "\(InboundDispatcher.roomPrefix)-\(id.uuidString.lowercased())",
            identity: call.participantIdentity ?? "sip_\(caller)")
    }

    private func write(_ r: Row, legState: String, now: Date, on db: any Database) async throws {
        let legID = UUID.v7(now: now)
        try await db.transaction { tx in
            let sql = tx as! any SQLDatabase
            try await sql.raw(
                """
                INSERT INTO calls (id, tenant_id, direction, state, from_number, to_number, did_id, trunk_id, dialplan_id,
                  rule_id, action, room_name, livekit_call_id, end_reason, sip_status, hops, started_at, ended_at)
                VALUES (\(bind: r.id), \(bind: route.tenantID), 'inbound', \(bind: r.state.rawValue), \(bind: caller),
                  \(bind: route.number), \(bind: route.didID), \(bind: route.trunkID), \(bind: r.dialplanID), \(bind: r.ruleID),
                  \(bind: r.action), \(bind: r.roomName), \(bind: call.liveKitCallID), \(bind: r.endReason), \(bind: r.sipStatus),
                  0, \(bind: now), \(bind: r.endedAt))
                """
            ).run()
            try await sql.raw(
                """
                INSERT INTO call_legs (id, tenant_id, call_id, kind, state, participant_identity, destination,
                  failure_reason, sip_status, started_at, ended_at)
                VALUES (\(bind: legID), \(bind: route.tenantID), \(bind: r.id), 'sip', \(bind: legState), \(bind: r.identity),
                  \(bind: route.number), \(bind: r.endReason), \(bind: r.sipStatus), \(bind: now), \(bind: r.endedAt))
                """
            ).run()
        }
    }

    func reject(
        sipStatus: Int, reason: String, planID: UUID? = nil, ruleID: UUID? = nil, on db: any Database
    ) async throws -> InboundDecision {
        let now = Date()
        var r = row(state: .failed, now: now)
        r.dialplanID = planID
        r.ruleID = ruleID
        r.action = ruleID == nil ? nil : "hangup"
        r.endReason = reason
        r.sipStatus = sipStatus
        r.endedAt = now
        try await write(r, legState: "failed", now: now, on: db)
        return .reject(callID: r.id, sipStatus: sipStatus, reason: reason)
    }

    func accept(rule: Dialplan.Rule, planID: UUID, on db: any Database) async throws -> InboundDecision {
        let now = Date()
        var r = row(state: .ringing, now: now)
        r.dialplanID = planID
        r.ruleID = rule.id
        r.action = rule.action.type
        try await write(r, legState: "ringing", now: now, on: db)
        return .accept(
            callID: r.id, roomName: r.roomName, participantIdentity: r.identity, action: rule.action.type,
            ringingTimeoutS: InboundDispatcher.ringingTimeoutS, maxCallDurationS: route.maxCallDurationS)
    }
}
