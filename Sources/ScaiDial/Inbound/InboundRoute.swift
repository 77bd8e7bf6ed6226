import FluentKit
import Foundation
import SQLKit

/// Everything the call path needs to know about a called number, read in one query: the DID, its
/// tenant's policy and its dialplan's rule version. Plain SQL on purpose: the ORM's reflective
/// models cost more than the database itself on this path (see the README's benchmark notes).
struct InboundRoute: Sendable {
    let didID: UUID
    let number: String
    let trunkID: UUID
    let dialplanID: UUID?
    let rulesVersion: Int?
    let tenantID: UUID
    let country: String
    let timeZone: String
    let maxConcurrentCalls: Int
    let maxCallDurationS: Int

    /// The first of `numbers` (E.164 candidates, best first) that a tenant owns.
    static func find(_ numbers: [String], on db: any Database) async throws -> InboundRoute? {
        guard !numbers.isEmpty else { return nil }
        let sql = db as! any SQLDatabase
        let rows = try await sql.raw(
            """
            SELECT d.id AS did_id, d.number AS number, d.trunk_id AS trunk_id, d.dialplan_id AS dialplan_id,
              p.rules_version AS rules_version, t.id AS tenant_id, t.country AS country, t.timezone AS timezone,
              t.max_concurrent_calls AS max_concurrent_calls, t.max_call_duration_s AS max_call_duration_s
            FROM dids d JOIN tenants t ON t.id = d.tenant_id LEFT JOIN dialplans p ON p.id = d.dialplan_id
            WHERE d.number IN (\(binds: numbers))
            """
        ).all()
        let routes = try rows.map { row in
            InboundRoute(
                didID: try row.decode(column: "did_id", as: UUID.self),
                number: try row.decode(column: "number", as: String.self),
                trunkID: try row.decode(column: "trunk_id", as: UUID.self),
                dialplanID: try row.decode(column: "dialplan_id", as: UUID?.self),
                rulesVersion: try row.decode(column: "rules_version", as: Int?.self),
                tenantID: try row.decode(column: "tenant_id", as: UUID.self),
                country: try row.decode(column: "country", as: String.self),
                timeZone: try row.decode(column: "timezone", as: String.self),
                maxConcurrentCalls: try row.decode(column: "max_concurrent_calls", as: Int.self),
                maxCallDurationS: try row.decode(column: "max_call_duration_s", as: Int.self))
        }
        return numbers.lazy.compactMap { n in routes.first { $0.number == n } }.first
    }

    /// The country of the tenant that owns LiveKit's inbound trunk `liveKitTrunkID`: how a
    /// national-format called number is read.
    static func trunkCountry(_ liveKitTrunkID: String, on db: any Database) async throws -> String? {
        let sql = db as! any SQLDatabase
        return try await sql.raw(
            """
            SELECT t.country AS country FROM trunks k JOIN tenants t ON t.id = k.tenant_id
            WHERE k.livekit_inbound_trunk_id = \(bind: liveKitTrunkID)
            """
        ).first()?.decode(column: "country", as: String.self)
    }

    /// Whether the tenant already has `limit` live calls. Counts at most `limit` rows, so the cost
    /// is bounded by the policy, not by how busy the tenant is.
    func atCallLimit(on db: any Database) async throws -> Bool {
        let sql = db as! any SQLDatabase
        let live = CallState.live
        let count = try await sql.raw(
            """
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM calls WHERE tenant_id = \(bind: tenantID)
              AND state IN (\(binds: live)) LIMIT \(bind: maxConcurrentCalls)) AS live
            """
        ).first()?.decode(column: "n", as: Int.self)
        return (count ?? 0) >= maxConcurrentCalls
    }
}
