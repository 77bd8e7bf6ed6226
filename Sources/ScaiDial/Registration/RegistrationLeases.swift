import FluentKit
import Foundation
import SQLKit

/// Which replica registers which trunk: a row per trunk in `sip_registration_leases`, renewed by
/// its holder on every pass. A lease that ran out (its holder stopped or lost the database) is
/// taken over by the next replica that asks. Conditional updates make each claim atomic on SQLite
/// and PostgreSQL alike.
struct RegistrationLeases: Sendable {
    static let table = "sip_registration_leases"
    let holder: String
    let duration: TimeInterval

    /// Claims `trunkID` for this holder (or extends its own claim); false while another holder's
    /// lease runs.
    func acquire(_ trunkID: UUID, now: Date, on db: any Database) async throws -> Bool {
        let sql = try db.sql()
        try await sql.insert(into: Self.table)
            .columns("trunk_id", "holder", "lease_until")
            .values(SQLBind(trunkID), SQLBind(holder), SQLBind(now.addingTimeInterval(duration)))
            .ignoringConflicts(with: ["trunk_id"])
            .run()
        let rows = try await sql.update(Self.table)
            .set("holder", to: holder)
            .set("lease_until", to: now.addingTimeInterval(duration))
            .where("trunk_id", .equal, trunkID)
            .where { $0.where("holder", .equal, holder).orWhere("lease_until", .lessThan, now) }
            .returning("trunk_id")
            .all()
        return !rows.isEmpty
    }

    /// Extends every lease this holder has; returns the trunks it still holds (a lease that ran
    /// out and was taken over is gone from the answer).
    func renew(now: Date, on db: any Database) async throws -> Set<UUID> {
        let sql = try db.sql()
        let rows = try await sql.update(Self.table)
            .set("lease_until", to: now.addingTimeInterval(duration))
            .where("holder", .equal, holder)
            .returning("trunk_id")
            .all()
        return Set(try rows.map { try $0.decode(column: "trunk_id", as: UUID.self) })
    }

    /// Gives a trunk up (disabled, deleted, shutdown), so another replica need not wait for the lease to run out.
    func release(_ trunkID: UUID, on db: any Database) async throws {
        try await (try db.sql()).delete(from: Self.table)
            .where("trunk_id", .equal, trunkID).where("holder", .equal, holder).run()
    }
}
