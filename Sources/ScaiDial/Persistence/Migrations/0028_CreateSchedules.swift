import FluentKit

/// Named schedules (office hours and holidays) of a tenant, and a rule's reference to one with the
/// side it wants (`during`, `outside`, `holiday`); when a dialplan was last tried in the simulator
/// (the console's set-up checklist ticks "simulate" with it).
struct CreateSchedules: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ScheduleModel.schema)
            .id()
            .tenantReference()
            .field("name", .string, .required)
            .field("hours", .string, .required)
            .field("holidays", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "tenant_id", "name")
            .create()
        // One column per ALTER TABLE: SQLite adds no more at a time.
        try await database.schema(RuleModel.schema).field("schedule_id", .uuid).update()
        try await database.schema(RuleModel.schema).field("schedule_when", .string).update()
        try await database.createIndex("dialplan_rules_schedule", on: RuleModel.schema, columns: ["schedule_id"])
        try await database.schema(DialplanModel.schema).field("simulated_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DialplanModel.schema).deleteField("simulated_at").update()
        try await database.dropIndex("dialplan_rules_schedule")
        try await database.schema(RuleModel.schema).deleteField("schedule_when").update()
        try await database.schema(RuleModel.schema).deleteField("schedule_id").update()
        try await database.schema(ScheduleModel.schema).delete()
    }
}
