import FluentKit
import Foundation

final class UserModel: Model, @unchecked Sendable {
    static let schema = "users"
    @ID(key: .id) var id: UUID?
    @OptionalField(key: "tenant_id") var tenantID: UUID?
    @Field(key: "email") var email: String
    @Field(key: "display_name") var displayName: String
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "role") var role: Role
    @Field(key: "disabled") var disabled: Bool
    /// Do not disturb: not rung, unavailable for forward rules (`PATCH /me`).
    @Field(key: "do_not_disturb") var doNotDisturb: Bool
    @Field(key: "failed_login_count") var failedLoginCount: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    static func new() -> UserModel {
        let u = UserModel()
        u.id = .v7()
        u.disabled = false
        u.doNotDisturb = false
        u.failedLoginCount = 0
        u.role = .user
        return u
    }
}

final class AuthTokenModel: Model, @unchecked Sendable {
    static let schema = "auth_tokens"
    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    /// `session` (browser sign-in) or `api` (named token for scripts).
    @Field(key: "kind") var kind: String
    @Field(key: "name") var name: String
    /// SHA-256 of the token; the token itself is shown once and never stored.
    @Field(key: "token_hash") var tokenHash: String
    @OptionalField(key: "expires_at") var expiresAt: Date?
    @OptionalField(key: "last_used_at") var lastUsedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}
