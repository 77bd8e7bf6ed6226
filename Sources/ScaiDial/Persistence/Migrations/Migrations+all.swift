import FluentKit
import SQLKit

extension Migrations {
    /// Every migration, in the order they run. Append; never reorder or edit a released one.
    static let all: [any Migration] = [
        CreateTenants(), CreateUsers(), CreateAuthTokens(), CreateDialplans(), CreateDialplanRules(),
        CreateTrunks(), CreateDIDs(), CreateExtensions(), CreateExtensionGrants(), CreateForwardRules(),
        CreateCalls(), CreateCallLegs(), CreateVoicemailMessages(), CreateJobs(), CreateWebhookEvents(),
        UpdateTenantsAddUserCallRate(), CreateRingMembers(), CreateRegistrationLeases(), CreateEventStreams(),
        UpdateVoicemailAddTranscriptError(), UpdateCallsAddMachineColumns(), UpdateCallLegsAddRecordingRef(),
        UpdateWebhookEventsIndexReceivedAt(), CreateTenantLiveCalls(), UpdateCallsIndexForHistoryAndUsers(),
        UpdateUsersAddDoNotDisturb(), CreateSchedules(),
    ]
}

extension Database {
    /// Plain (non-unique) index; FluentKit's schema builder has none, SQLKit does.
    func createIndex(_ name: String, on table: String, columns: [String]) async throws {
        var builder = (try self.sql()).create(index: name).on(table)
        for column in columns { builder = builder.column(column) }
        try await builder.run()
    }

    func dropIndex(_ name: String) async throws {
        try await (try self.sql()).drop(index: name).run()
    }
}

extension SchemaBuilder {
    /// `tenant_id`, required, removed with its tenant.
    func tenantReference() -> Self {
        field("tenant_id", .uuid, .required, .references("tenants", "id", onDelete: .cascade))
    }
}
