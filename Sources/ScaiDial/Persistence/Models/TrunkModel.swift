import FluentKit
import Foundation

final class TrunkModel: Model, @unchecked Sendable {
    static let schema = "trunks"
    @ID(key: .id) var id: UUID?
    @Field(key: "tenant_id") var tenantID: UUID
    @Field(key: "name") var name: String
    @Field(key: "address") var address: String
    @Field(key: "transport") var transport: String
    @OptionalField(key: "auth_username") var authUsername: String?
    /// Sealed with the secret key (AES-GCM); never returned by the API.
    @OptionalField(key: "auth_password_sealed") var authPasswordSealed: String?
    @OptionalField(key: "inbound_auth_username") var inboundAuthUsername: String?
    @OptionalField(key: "inbound_auth_password_sealed") var inboundAuthPasswordSealed: String?
    @Field(key: "allowed_addresses") var allowedAddressesJSON: String
    @Field(key: "register") var register: Bool
    @Field(key: "refer_uri") var referURI: String
    @Field(key: "sync_state") var syncState: TrunkSyncState
    @OptionalField(key: "sync_error") var syncError: String?
    @OptionalField(key: "synced_at") var syncedAt: Date?
    @OptionalField(key: "next_retry_at") var nextRetryAt: Date?
    @OptionalField(key: "livekit_inbound_trunk_id") var livekitInboundTrunkID: String?
    @OptionalField(key: "livekit_outbound_trunk_id") var livekitOutboundTrunkID: String?
    @OptionalField(key: "livekit_dispatch_rule_id") var livekitDispatchRuleID: String?
    @Field(key: "registration_state") var registrationState: TrunkRegistrationState
    @OptionalField(key: "registration_status_code") var registrationStatusCode: Int?
    @OptionalField(key: "registration_error") var registrationError: String?
    @OptionalField(key: "registration_expires_at") var registrationExpiresAt: Date?
    /// The next REGISTER: the refresh of a binding, or the retry after a failure.
    @OptionalField(key: "registration_next_attempt_at") var registrationNextAttemptAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    static func new(tenantID: UUID) -> TrunkModel {
        let t = TrunkModel()
        t.id = .v7()
        t.tenantID = tenantID
        t.transport = "udp"
        t.allowedAddressesJSON = "[]"
        t.register = false
        t.referURI = "sip"
        t.syncState = .notConfigured
        t.registrationState = .disabled
        return t
    }
}
