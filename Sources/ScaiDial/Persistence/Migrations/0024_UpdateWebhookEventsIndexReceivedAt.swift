import FluentKit
import SQLKit

/// Webhook deliveries are pruned after 7 days by `received_at` (the retention job, daily): without
/// an index each run scans every delivery kept, one row per LiveKit event.
struct UpdateWebhookEventsIndexReceivedAt: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.createIndex("webhook_events_received_at", on: "webhook_events", columns: ["received_at"])
    }

    func revert(on database: any Database) async throws {
        try await database.dropIndex("webhook_events_received_at")
    }
}
