import FluentKit
import Foundation
import SQLKit

extension Database {
    /// Sets the call's answerer if nobody has yet, in one conditional UPDATE: exactly one of any
    /// number of concurrent answers matches the row.
    func claim(call: UUID, for user: UUID) async throws -> Bool {
        let rows = try await (try self.sql()).update(CallModel.schema)
            .set("answered_by_user_id", to: user)
            .where("id", .equal, call)
            .where("answered_by_user_id", .is, SQLLiteral.null)
            .where("state", .equal, CallState.ringing.rawValue)
            .returning("id")
            .all()
        return !rows.isEmpty
    }
}
