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

    /// The routes of those of `numbers` that a tenant owns, by number (one query for a whole batch).
    static func find(_ numbers: Set<String>, on db: any Database) async throws -> [String: InboundRoute] {
        guard !numbers.isEmpty else { return [:] }
        let sql = try db.sql()
        let rows = try await sql.raw(
            """
            SELECT d.id AS did_id, d.number AS number, d.trunk_id AS trunk_id, d.dialplan_id AS dialplan_id,
              p.rules_version AS rules_version, t.id AS tenant_id, t.country AS country, t.timezone AS timezone,
              t.max_concurrent_calls AS max_concurrent_calls, t.max_call_duration_s AS max_call_duration_s
            FROM dids d JOIN tenants t ON t.id = d.tenant_id LEFT JOIN dialplans p ON p.id = d.dialplan_id
            WHERE d.number IN (\(binds: Array(numbers)))
            """
        ).all()
        var routes: [String: InboundRoute] = [:]
        for row in rows {
            let route = InboundRoute(
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
            routes[route.number] = route
        }
        return routes
    }

    /// The country of the tenant that owns each of LiveKit's inbound trunks `liveKitTrunkIDs`: how a
    /// national-format called number is read.
    static func trunkCountries(_ liveKitTrunkIDs: Set<String>, on db: any Database) async throws -> [String: String] {
        guard !liveKitTrunkIDs.isEmpty else { return [:] }
        let sql = try db.sql()
        let rows = try await sql.raw(
            """
            SELECT k.livekit_inbound_trunk_id AS trunk, t.country AS country FROM trunks k JOIN tenants t ON t.id = k.tenant_id
            WHERE k.livekit_inbound_trunk_id IN (\(binds: Array(liveKitTrunkIDs)))
            """
        ).all()
        var countries: [String: String] = [:]
        for row in rows {
            countries[try row.decode(column: "trunk", as: String.self)] = try row.decode(column: "country", as: String.self)
        }
        return countries
    }

    /// Of `liveKitCallIDs`, those already recorded (repeats of calls decided earlier).
    static func recorded(_ liveKitCallIDs: Set<String>, on db: any Database) async throws -> Set<String> {
        guard !liveKitCallIDs.isEmpty else { return [] }
        let sql = try db.sql()
        return try await sql.raw(
            "SELECT livekit_call_id AS id FROM calls WHERE livekit_call_id IN (\(binds: Array(liveKitCallIDs)))"
        ).all().reduce(into: Set<String>()) { $0.insert(try $1.decode(column: "id", as: String.self)) }
    }
}
