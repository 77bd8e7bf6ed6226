import FluentKit
import Foundation

final class DIDModel: Model, @unchecked Sendable {
    static let schema = "dids"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    /// E.164, unique across all tenants: the inbound call path looks calls up by it.
    @Field(key: "number") var number: String
    @Field(key: "trunk_id") var trunkID: UUID
    @OptionalField(key: "dialplan_id") var dialplanID: UUID?
    @OptionalField(key: "label") var label: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

final class ExtensionModel: Model, @unchecked Sendable {
    static let schema = "extensions"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "number") var number: String
    @Field(key: "name") var name: String
    @Field(key: "type") var type: String
    @OptionalField(key: "target_ref") var targetRef: String?
    @Field(key: "voicemail_enabled") var voicemailEnabled: Bool
    @Field(key: "ring_timeout_s") var ringTimeoutS: Int
    @OptionalField(key: "greeting_key") var greetingKey: String?
    @OptionalField(key: "greeting_content_type") var greetingContentType: String?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

final class GrantModel: Model, @unchecked Sendable {
    static let schema = "extension_grants"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "extension_id") var extensionID: UUID
    @Field(key: "user_id") var userID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

final class ForwardRuleModel: Model, @unchecked Sendable {
    static let schema = "forward_rules"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "extension_id") var extensionID: UUID
    @Field(key: "trigger") var trigger: String
    @Field(key: "target_type") var targetType: String
    @OptionalField(key: "target") var target: String?
    @Field(key: "enabled") var enabled: Bool
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}
