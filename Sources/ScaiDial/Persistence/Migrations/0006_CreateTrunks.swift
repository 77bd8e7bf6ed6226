import FluentKit

struct CreateTrunks: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("trunks")
            .id()
            .tenantReference()
            .field("name", .string, .required)
            .field("address", .string, .required)
            .field("transport", .string, .required)
            .field("auth_username", .string)
            .field("auth_password_sealed", .string)
            .field("inbound_auth_username", .string)
            .field("inbound_auth_password_sealed", .string)
            .field("allowed_addresses", .string, .required)
            .field("register", .bool, .required)
            .field("refer_uri", .string, .required)
            .field("sync_state", .string, .required)
            .field("sync_error", .string)
            .field("synced_at", .datetime)
            .field("next_retry_at", .datetime)
            .field("livekit_inbound_trunk_id", .string)
            .field("livekit_outbound_trunk_id", .string)
            .field("livekit_dispatch_rule_id", .string)
            .field("registration_state", .string, .required)
            .field("registration_status_code", .int)
            .field("registration_error", .string)
            .field("registration_expires_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "tenant_id", "name")
            .create()
        // Webhooks name the LiveKit trunk; the call path maps it back to ours.
        try await database.createIndex("trunks_lk_inbound", on: "trunks", columns: ["livekit_inbound_trunk_id"])
    }

    func revert(on database: any Database) async throws {
        try await database.schema("trunks").delete()
    }
}
