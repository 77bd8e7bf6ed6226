import FluentKit

/// LiveKit webhook event ids already applied: the same event delivered twice is applied once.
struct CreateWebhookEvents: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("webhook_events")
            .id()
            .field("event_id", .string, .required)
            .field("event", .string, .required)
            .field("received_at", .datetime, .required)
            .unique(on: "event_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_events").delete()
    }
}
