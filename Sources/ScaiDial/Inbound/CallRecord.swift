import Dialplan
import FluentKit
import Foundation

/// Writes a new inbound call, its SIP leg and the decision in one transaction.
struct CallRecord {
    let call: InboundCall
    let did: DIDModel
    let tenant: TenantModel
    let caller: String

    private func model(state: CallState, now: Date) -> CallModel {
        let c = CallModel()
        c.id = .v7(now: now)
        c.tenantID = tenant.id!
        c.direction = "inbound"
        c.state = state.rawValue
        c.fromNumber = caller
        c.toNumber = did.number
        c.didID = did.id
        c.trunkID = did.trunkID
        c.livekitCallID = call.liveKitCallID
        c.roomName = call.roomName ?? "\(InboundDispatcher.roomPrefix)-\(c.id!.uuidString.lowercased())"
        c.hops = 0
        c.startedAt = now
        return c
    }

    private func leg(for c: CallModel, state: String, now: Date) -> CallLegModel {
        let l = CallLegModel()
        l.id = .v7(now: now)
        l.tenantID = c.tenantID
        l.callID = c.id!
        l.kind = "sip"
        l.state = state
        l.participantIdentity = call.participantIdentity ?? "sip_\(caller)"
        l.destination = did.number
        l.startedAt = now
        return l
    }

    func reject(
        sipStatus: Int, reason: String, planID: UUID? = nil, ruleID: UUID? = nil, on db: any Database
    ) async throws -> InboundDecision {
        let now = Date()
        let c = model(state: .failed, now: now)
        c.dialplanID = planID
        c.ruleID = ruleID
        c.action = ruleID == nil ? nil : "hangup"
        c.endReason = reason
        c.sipStatus = sipStatus
        c.endedAt = now
        let l = leg(for: c, state: "failed", now: now)
        l.failureReason = reason
        l.sipStatus = sipStatus
        l.endedAt = now
        try await db.transaction { tx in
            try await c.create(on: tx)
            try await l.create(on: tx)
        }
        return .reject(callID: c.id, sipStatus: sipStatus, reason: reason)
    }

    func accept(rule: Dialplan.Rule, planID: UUID, on db: any Database) async throws -> InboundDecision {
        let now = Date()
        let c = model(state: .ringing, now: now)
        c.dialplanID = planID
        c.ruleID = rule.id
        c.action = rule.action.type
        let l = leg(for: c, state: "ringing", now: now)
        try await db.transaction { tx in
            try await c.create(on: tx)
            try await l.create(on: tx)
        }
        return .accept(
            callID: c.id!, roomName: c.roomName, participantIdentity: l.participantIdentity!, action: rule.action.type,
            ringingTimeoutS: InboundDispatcher.ringingTimeoutS, maxCallDurationS: tenant.maxCallDurationS)
    }
}
