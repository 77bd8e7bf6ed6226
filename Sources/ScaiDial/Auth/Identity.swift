import Foundation

public enum Role: String, CaseIterable, Codable, Sendable {
    case platformAdmin = "platform_admin"
    case tenantAdmin = "tenant_admin"
    case user
}

/// Who is calling, resolved from a bearer token or the session cookie.
public struct Identity: Sendable {
    public let userID: UUID
    public let tenantID: UUID?
    public let role: Role
    public let email: String
    /// The user's name as others see it (the name a call shows in its room).
    public let displayName: String
    public let tokenID: UUID
}
