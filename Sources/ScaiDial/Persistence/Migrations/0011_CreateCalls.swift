import FluentKit

struct CreateCalls: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("calls")
            .id()
            .tenantReference()
            .field("direction", .string, .required)
            .field("state", .string, .required)
            .field("from_number", .string, .required)
            .field("to_number", .string, .required)
            .field("did_id", .uuid)
            .field("trunk_id", .uuid)
            .field("dialplan_id", .uuid)
            .field("rule_id", .uuid)
            .field("action", .string)
            .field("room_name", .string, .required)
            .field("livekit_call_id", .string)
            .field("end_reason", .string)
            .field("sip_status", .int)
            .field("hops", .int, .required)
            .field("started_at", .datetime, .required)
            .field("answered_at", .datetime)
            .field("ended_at", .datetime)
            .field("placed_by_user_id", .uuid)
            .field("extension_id", .uuid)
            .field("answered_by_user_id", .uuid)
            .unique(on: "room_name")  // webhooks find the call by room
            .unique(on: "livekit_call_id")  // idempotency of the inbound dispatcher
            .create()
        try await database.createIndex("calls_tenant_started", on: "calls", columns: ["tenant_id", "started_at"])
        try await database.createIndex("calls_tenant_state", on: "calls", columns: ["tenant_id", "state"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("calls").delete()
    }
}
