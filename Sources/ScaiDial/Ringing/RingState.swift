import FluentKit
import Foundation
import SQLKit

/// Who is being rung for which call, and who declined: when everyone rung has declined, the call
/// is "busy". Kept in the `ring_members` table, so it survives a restart and is shared by replicas.
struct RingState: Sendable {
    let db: any Database
    private var sql: any SQLDatabase { get throws { try db.sql() } }

    /// A new ring round for `call` (a forward to another extension starts a fresh one).
    func started(_ call: UUID, ringing users: Set<UUID>) async throws {
        try await sql.delete(from: "ring_members").where("call_id", .equal, call).run()
        for user in users {
            try await sql.insert(into: "ring_members").columns("id", "call_id", "user_id", "declined")
                .values(SQLBind(UUID.v7()), SQLBind(call), SQLBind(user), SQLBind(false)).run()
        }
    }

    /// Records a decline. True for exactly one caller: the one whose decline made everyone rung
    /// have declined (it also ends the round, so concurrent last declines cannot both act).
    func decline(_ call: UUID, by user: UUID) async throws -> Bool {
        try await sql.update("ring_members").set("declined", to: true).where("call_id", .equal, call).where("user_id", .equal, user)
            .run()
        let waiting =
            try await sql.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("ring_members")
            .where("call_id", .equal, call).where("declined", .equal, false).first()?.decode(column: "n", as: Int.self) ?? 0
        guard waiting == 0 else { return false }
        return try await finish(call)
    }

    /// Ends the round; true when there was one to end.
    @discardableResult
    func finish(_ call: UUID) async throws -> Bool {
        let removed = try await sql.delete(from: "ring_members").where("call_id", .equal, call).returning("id").all()
        return !removed.isEmpty
    }
}
