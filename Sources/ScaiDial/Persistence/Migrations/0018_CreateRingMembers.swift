import FluentKit

/// Who is being rung for a call, and who declined: durable, so "everyone declined → busy" holds
/// across a restart and across replicas.
struct CreateRingMembers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("ring_members")
            .id()
            .field("call_id", .uuid, .required, .references("calls", "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references("users", "id", onDelete: .cascade))
            .field("declined", .bool, .required)
            .unique(on: "call_id", "user_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("ring_members").delete()
    }
}
