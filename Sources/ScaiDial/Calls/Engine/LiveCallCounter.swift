import FluentKit
import Foundation
import SQLKit

/// Each tenant's live calls (`routing`, `ringing`, `active`) kept as a number in one row, changed in
/// the same transaction as the calls it counts: a call written live adds one, a call that leaves the
/// live states takes one away. `max_concurrent_calls` is checked against it, so the check costs one
/// row read however many calls the tenant has up.
///
/// Exactness. Inbound batches and click-to-calls lock the tenant's row before they read the counter
/// and hold it until their calls are written (`Database.lockTenant`), so on PostgreSQL two writers
/// (on any replica) cannot both take the last line; a call ending meanwhile only lowers the count.
/// Every writer changes the counter *after* the calls it counts, in the same transaction — which is
/// what makes `reconcile` exact (see there). SQLite has one writer at a time.
enum LiveCallCounter {
    static let table = "tenant_live_calls"

    /// Adds `delta` to each tenant's counter (inside the caller's transaction, after its call rows).
    static func add(_ deltas: [UUID: Int], on tx: any Database) async throws {
        let changes = deltas.filter { $0.value != 0 }.sorted { $0.key.uuidString < $1.key.uuidString }
        guard !changes.isEmpty else { return }
        let sql = try tx.sql()
        // One statement per tenant, in a fixed order (two writers never wait on each other crosswise).
        for (tenant, delta) in changes {
            try await sql.raw(
                """
                INSERT INTO \(ident: table) (tenant_id, live_calls) VALUES (\(bind: tenant), \(bind: max(delta, 0)))
                ON CONFLICT (tenant_id) DO UPDATE SET live_calls = \(ident: table).live_calls + \(bind: delta)
                """
            ).run()
        }
    }

    /// The counters of `tenants` (a tenant without a row has no live calls).
    static func read(_ tenants: Set<UUID>, on db: any Database) async throws -> [UUID: Int] {
        guard !tenants.isEmpty else { return [:] }
        let rows = try await db.sql().raw(
            "SELECT tenant_id, live_calls FROM \(ident: table) WHERE tenant_id IN (\(binds: Array(tenants)))"
        ).all()
        var counts: [UUID: Int] = [:]
        for row in rows { counts[try row.decode(column: "tenant_id", as: UUID.self)] = try row.decode(column: "live_calls", as: Int.self) }
        return counts
    }

    /// The change a call's transition makes to its tenant's counter.
    static func delta(from before: CallState, to after: CallState) -> Int {
        switch (before.isLive, after.isLive) {
        case (true, false): -1
        case (false, true): 1
        default: 0
        }
    }

    /// A tenant whose counter disagreed with its calls, and what each said.
    struct Repair: Equatable, Sendable {
        let tenantID: UUID
        let counted: Int
        let live: Int
    }

    /// Sets every counter that disagrees with the calls to the number of live calls (the sweeper
    /// runs this; a counter drifts only if calls were changed behind the call engine's back, e.g.
    /// by hand in the database). One grouped count finds the suspects; each is then counted again
    /// with its counter row locked (PostgreSQL): a transaction that changed calls but not yet the
    /// counter waits for the lock, and since it changes the counter after its calls, it applies
    /// its change on top of a count that did not see its calls — exact, not merely eventually so.
    static func reconcile(on db: any Database, kind: DatabaseURL) async throws -> [Repair] {
        let sql = try db.sql()
        let liveStates = CallState.live.map(\.rawValue)
        var actual: [UUID: Int] = [:]
        for row in try await sql.raw(
            "SELECT tenant_id, COUNT(*) AS n FROM calls WHERE state IN (\(binds: liveStates)) GROUP BY tenant_id"
        ).all() {
            actual[try row.decode(column: "tenant_id", as: UUID.self)] = try row.decode(column: "n", as: Int.self)
        }
        var counters: [UUID: Int] = [:]
        for row in try await sql.raw("SELECT tenant_id, live_calls FROM \(ident: table)").all() {
            counters[try row.decode(column: "tenant_id", as: UUID.self)] = try row.decode(column: "live_calls", as: Int.self)
        }
        let suspects = Set(actual.keys).union(counters.keys).filter { actual[$0, default: 0] != counters[$0, default: 0] }
        var repairs: [Repair] = []
        for tenant in suspects.sorted(by: { $0.uuidString < $1.uuidString }) {
            let repair = try await db.transaction { tx -> Repair? in
                let sql = try tx.sql()
                // The tenant may be gone meanwhile (its counter with it): nothing to repair then.
                guard
                    try await sql.raw("SELECT id FROM tenants WHERE id = \(bind: tenant)").first() != nil
                else { return nil }
                try await sql.raw(
                    "INSERT INTO \(ident: table) (tenant_id, live_calls) VALUES (\(bind: tenant), 0) ON CONFLICT (tenant_id) DO NOTHING"
                ).run()
                var read: SQLQueryString = "SELECT live_calls FROM \(ident: table) WHERE tenant_id = \(bind: tenant)"
                if case .postgres = kind { read = read + " FOR UPDATE" }
                let counted = try await sql.raw(read).first()?.decode(column: "live_calls", as: Int.self) ?? 0
                let live =
                    try await sql.raw(
                        "SELECT COUNT(*) AS n FROM calls WHERE tenant_id = \(bind: tenant) AND state IN (\(binds: liveStates))"
                    ).first()?.decode(column: "n", as: Int.self) ?? 0
                guard live != counted else { return nil }
                try await sql.raw("UPDATE \(ident: table) SET live_calls = \(bind: live) WHERE tenant_id = \(bind: tenant)").run()
                return Repair(tenantID: tenant, counted: counted, live: live)
            }
            if let repair { repairs.append(repair) }
        }
        return repairs
    }
}
