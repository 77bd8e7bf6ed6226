import FluentKit
import SQLKit

/// Indexes for a tenant with a million calls and thousands live (issue 15):
/// - the call history (`GET …/calls?state=…&from=…`, newest first): tenant, state, started_at, id —
///   a page of 50 reads about 50 index entries instead of sorting the tenant's calls in the range;
/// - who is busy (`DirectoryLoader.onACall`, read when an extension rings) and a user's own calls
///   (`/me/calls/active`): by the user who answered (by the user who placed, with when, since 0016)
///   — instead of scanning every live call of the platform.
struct UpdateCallsIndexForHistoryAndUsers: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.createIndex("calls_tenant_state_started", on: "calls", columns: ["tenant_id", "state", "started_at", "id"])
        try await database.createIndex("calls_answered_by", on: "calls", columns: ["answered_by_user_id"])
    }

    func revert(on database: any Database) async throws {
        for name in ["calls_tenant_state_started", "calls_answered_by"] { try await database.dropIndex(name) }
    }
}
