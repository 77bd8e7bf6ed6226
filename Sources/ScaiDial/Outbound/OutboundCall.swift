import FluentKit
import Foundation
import SQLKit

/// A click-to-call about to be written: the call, the user's `wave` leg and the `sip` leg to the
/// destination — together, or not at all (`CallMachine.placed` makes them).
struct OutboundCall {
    let call: Call
    /// Room names of click-to-calls (inbound rooms are `scaidial-call-…` and `scaidial-in_…`).
    static let roomPrefix = "scaidial-out"

    init(tenantID: UUID, user: UUID, ext: ClickToCallExtension, trunkID: UUID, callerID: String?, destination: String, now: Date) throws {
        let id = UUID.v7(now: now)
        call = CallMachine.placed(
            id: id, tenantID: tenantID, user: user, extensionID: ext.id, trunkID: trunkID,
            from: callerID ?? ext.number, to: destination, roomName: "\(Self.roomPrefix)-\(id.uuidString.lowercased())", now: now)
    }

    var sipLeg: Leg? { call.firstLeg(.sip) }
    var waveIdentity: String { call.firstLeg(.wave)?.identity ?? "" }

    func create(on db: any Database) async throws {
        try await CallStore.insert(call, on: db)
    }
}

/// The way out of a tenant's click-to-calls: its oldest synced trunk and that trunk's first number.
struct OutboundRoute: Sendable {
    let trunkID: UUID
    let liveKitTrunkID: String
    let firstNumber: String?

    /// The route, or nil when no trunk of the tenant is synced to LiveKit (no call can leave), in one
    /// plain query.
    static func find(tenant: UUID, on db: any Database) async throws -> OutboundRoute? {
        let row = try await db.sql().raw(
            """
            SELECT t.id, t.livekit_outbound_trunk_id,
              (SELECT d.number FROM dids d WHERE d.trunk_id = t.id ORDER BY d.created_at, d.id LIMIT 1) AS first_number
            FROM trunks t
            WHERE t.tenant_id = \(bind: tenant) AND t.sync_state = \(bind: TrunkSyncState.synced.rawValue)
              AND t.livekit_outbound_trunk_id IS NOT NULL
            ORDER BY t.created_at, t.id LIMIT 1
            """
        ).first()
        return try row.map {
            OutboundRoute(
                trunkID: try $0.decode(column: "id", as: UUID.self),
                liveKitTrunkID: try $0.decode(column: "livekit_outbound_trunk_id", as: String.self),
                firstNumber: try $0.optional("first_number"))
        }
    }

    /// The number a callee sees: the tenant's chosen caller id, else the trunk's first number (the
    /// carrier knows it); nil leaves it to the extension's number.
    func callerID(of tenant: TenantModel) -> String? { tenant.defaultCallerID ?? firstNumber }
}

/// The extension a click-to-call is placed from: what the call and the dial need of it.
struct ClickToCallExtension: Sendable {
    let id: UUID
    let number: String
}

/// The limits a click-to-call is checked against at the moment it is written.
struct OutboundLimits {
    let tenant: TenantModel
    let user: UUID

    /// Throws the refusal when the tenant is at `max_concurrent_calls` or the user has placed
    /// `max_calls_per_user_per_hour` calls in the last hour.
    func check(now: Date, on db: any Database) async throws {
        let id = try tenant.requireID()
        let live = try await LiveCallCounter.read([id], on: db)[id, default: 0]
        if live >= tenant.maxConcurrentCalls { throw ClickToCallRefusal.overConcurrentLimit(limit: tenant.maxConcurrentCalls) }
        let hourAgo = now.addingTimeInterval(-3600)
        // The limit-th most recent call of the last hour, if there is one: the user is at the limit.
        // One index seek (placed_by_user_id, started_at), not the hour's calls read as models.
        let limit = tenant.maxCallsPerUserPerHour
        let oldest = try await db.sql().select().column("started_at").from(CallModel.schema)
            .where("placed_by_user_id", .equal, user).where("started_at", .greaterThan, hourAgo)
            .orderBy("started_at", .descending).limit(1).offset(limit - 1).first()
            .map { try $0.decode(column: "started_at", as: Date.self) }
        if let oldest {
            // The window frees up when the oldest call in it turns an hour old.
            let wait = max(1, Int(oldest.addingTimeInterval(3600).timeIntervalSince(now).rounded(.up)))
            throw ClickToCallRefusal.rateLimited(limit: tenant.maxCallsPerUserPerHour, retryAfterS: wait)
        }
    }
}

extension Database {
    /// Holds the tenant's row until the transaction ends (PostgreSQL), so two writers of one
    /// tenant's live calls (click-to-calls, inbound batches, on any replica) cannot both pass the
    /// limits; SQLite's single connection already serialises them. `NO KEY UPDATE`: lockers wait
    /// for each other, while rows that merely reference the tenant can still be inserted.
    func lockTenant(_ id: UUID, kind: DatabaseURL) async throws {
        guard case .postgres = kind else { return }
        try await (try self.sql()).raw("SELECT id FROM tenants WHERE id = \(bind: id) FOR NO KEY UPDATE").run()
    }
}
