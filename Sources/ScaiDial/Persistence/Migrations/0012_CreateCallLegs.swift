import FluentKit

struct CreateCallLegs: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("call_legs")
            .id()
            .tenantReference()
            .field("call_id", .uuid, .required, .references("calls", "id", onDelete: .cascade))
            .field("kind", .string, .required)
            .field("state", .string, .required)
            .field("participant_identity", .string)
            .field("user_id", .uuid)
            .field("extension_id", .uuid)
            .field("destination", .string)
            .field("failure_reason", .string)
            .field("sip_status", .int)
            .field("livekit_ref", .string)
            .field("started_at", .datetime, .required)
            .field("answered_at", .datetime)
            .field("ended_at", .datetime)
            .create()
        try await database.createIndex("call_legs_call", on: "call_legs", columns: ["call_id"])
        try await database.createIndex("call_legs_identity", on: "call_legs", columns: ["participant_identity"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("call_legs").delete()
    }
}
