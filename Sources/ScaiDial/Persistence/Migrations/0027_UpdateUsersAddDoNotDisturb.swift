import FluentKit
import SQLKit

/// A user's *do not disturb*: while it is on, their calls do not ring them and they count as
/// unavailable for the extension's forward rules. Off for everyone who exists already.
struct UpdateUsersAddDoNotDisturb: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("users").field("do_not_disturb", .bool, .required, .sql(.default(false))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("users").deleteField("do_not_disturb").update()
    }
}
