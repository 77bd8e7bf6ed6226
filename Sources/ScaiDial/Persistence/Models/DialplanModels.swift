import FluentKit
import Foundation
import SQLKit

final class DialplanModel: Model, @unchecked Sendable {
    static let schema = "dialplans"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "name") var name: String
    /// Bumped on every rule change, so compiled plans cached by the call path know they are stale.
    @Field(key: "rules_version") var rulesVersion: Int
    /// When the dialplan was last tried in the simulator.
    @OptionalField(key: "simulated_at") var simulatedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    /// Marks the compiled plans of the dialplans `which` selects stale: `rules_version =
    /// rules_version + 1` in the database, so concurrent writers never reuse a version.
    static func bumpRulesVersion(
        on db: any Database, where which: (SQLUpdateBuilder) throws -> SQLUpdateBuilder
    ) async throws {
        let update = try db.sql().update(schema)
            .set(SQLIdentifier("rules_version"), to: SQLBinaryExpression(SQLIdentifier("rules_version"), .add, SQLLiteral.numeric("1")))
        try await which(update).run()
    }
}

final class RuleModel: Model, @unchecked Sendable {
    static let schema = "dialplan_rules"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "dialplan_id") var dialplanID: UUID
    @Field(key: "priority") var priority: Int
    @Field(key: "name") var name: String
    @Field(key: "enabled") var enabled: Bool
    @OptionalField(key: "caller") var caller: String?
    @OptionalField(key: "callee") var callee: String?
    /// Comma-separated `mon..sun`, or nil for every day.
    @OptionalField(key: "days") var days: String?
    @OptionalField(key: "time_from") var timeFrom: String?
    @OptionalField(key: "time_to") var timeTo: String?
    @OptionalField(key: "date_from") var dateFrom: String?
    @OptionalField(key: "date_to") var dateTo: String?
    /// A named schedule of the tenant, and `during` / `outside` / `holiday` (both or neither).
    @OptionalField(key: "schedule_id") var scheduleID: UUID?
    @OptionalField(key: "schedule_when") var scheduleWhen: String?
    @Field(key: "action_type") var actionType: String
    @OptionalField(key: "action_extension_id") var actionExtensionID: UUID?
    @OptionalField(key: "action_target") var actionTarget: String?
    @OptionalField(key: "action_mode") var actionMode: String?
    @OptionalField(key: "action_sip_status") var actionSIPStatus: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    /// Writes many new rules in one statement with plain SQL (`created_at` = `now`): FluentKit's
    /// batch create reflects over every model's properties, which made a 10,000-rule save take
    /// seconds. The caller keeps the batch small enough for the drivers' bound-value limits.
    static func insertAll(_ rules: some Collection<RuleModel>, now: Date, on db: any Database) async throws {
        guard !rules.isEmpty else { return }
        var insert = try db.sql().insert(into: schema).columns(
            "id", "tenant_id", "dialplan_id", "priority", "name", "enabled", "caller", "callee", "days", "time_from", "time_to",
            "date_from", "date_to", "schedule_id", "schedule_when", "action_type", "action_extension_id", "action_target",
            "action_mode", "action_sip_status", "created_at")
        for rule in rules {
            rule.createdAt = now
            insert = insert.values([
                SQLBind(rule.id), SQLBind(rule.tenantID), SQLBind(rule.dialplanID), SQLBind(rule.priority), SQLBind(rule.name),
                SQLBind(rule.enabled), SQLBind(rule.caller), SQLBind(rule.callee), SQLBind(rule.days), SQLBind(rule.timeFrom),
                SQLBind(rule.timeTo), SQLBind(rule.dateFrom), SQLBind(rule.dateTo), SQLBind(rule.scheduleID),
                SQLBind(rule.scheduleWhen), SQLBind(rule.actionType),
                SQLBind(rule.actionExtensionID), SQLBind(rule.actionTarget), SQLBind(rule.actionMode), SQLBind(rule.actionSIPStatus),
                SQLBind(now),
            ])
        }
        try await insert.run()
    }
}

/// A tenant's named schedule: opening hours and holidays, each stored as JSON text (portable
/// between SQLite and PostgreSQL) in the API's own shape.
final class ScheduleModel: Model, @unchecked Sendable {
    static let schema = "schedules"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "name") var name: String
    /// `[{"days":["mon",…],"time_from":"09:00","time_to":"17:30"}]`
    @Field(key: "hours") var hours: String
    /// `[{"name":"Christmas","date_from":"2026-12-25","date_to":"2026-12-26"}]`
    @Field(key: "holidays") var holidays: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}
