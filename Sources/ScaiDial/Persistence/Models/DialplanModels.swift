import FluentKit
import Foundation

final class DialplanModel: Model, @unchecked Sendable {
    static let schema = "dialplans"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "name") var name: String
    /// Bumped on every rule change, so compiled plans cached by the call path know they are stale.
    @Field(key: "rules_version") var rulesVersion: Int
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
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
    @Field(key: "action_type") var actionType: String
    @OptionalField(key: "action_extension_id") var actionExtensionID: UUID?
    @OptionalField(key: "action_target") var actionTarget: String?
    @OptionalField(key: "action_mode") var actionMode: String?
    @OptionalField(key: "action_sip_status") var actionSIPStatus: Int?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}
