import Foundation
import Hummingbird

struct TrunkDTO: ResponseEncodable, Sendable {
    struct Sync: Encodable, Sendable {
        let state: TrunkSyncState
        @Nullable var error: String?
        @Nullable var syncedAt: Date?
        @Nullable var nextRetryAt: Date?
        @Nullable var livekitInboundTrunkId: String?
        @Nullable var livekitOutboundTrunkId: String?
        @Nullable var livekitDispatchRuleId: String?
    }
    struct Registration: Encodable, Sendable {
        let state: TrunkRegistrationState
        @Nullable var statusCode: Int?
        @Nullable var error: String?
        @Nullable var expiresAt: Date?
        @Nullable var nextAttemptAt: Date?
    }
    let id: UUID
    let name: String
    let address: String
    let transport: String
    @Nullable var authUsername: String?
    let hasPassword: Bool
    @Nullable var inboundAuthUsername: String?
    let hasInboundPassword: Bool
    let allowedAddresses: [String]
    let register: Bool
    let referUri: String
    let numbers: [String]
    let sync: Sync
    let registration: Registration
    @Nullable var createdAt: Date?

    /// Passwords never leave the server: only whether one is set.
    init(_ t: TrunkModel, numbers: [String]) throws {
        id = try t.requireID()
        name = t.name
        address = t.address
        transport = t.transport
        authUsername = t.authUsername
        hasPassword = t.authPasswordSealed != nil
        inboundAuthUsername = t.inboundAuthUsername
        hasInboundPassword = t.inboundAuthPasswordSealed != nil
        allowedAddresses = StringList.decode(t.allowedAddressesJSON)
        register = t.register
        referUri = t.referURI
        self.numbers = numbers
        sync = Sync(
            state: t.syncState, error: t.syncError, syncedAt: t.syncedAt, nextRetryAt: t.nextRetryAt,
            livekitInboundTrunkId: t.livekitInboundTrunkID, livekitOutboundTrunkId: t.livekitOutboundTrunkID,
            livekitDispatchRuleId: t.livekitDispatchRuleID)
        registration = Registration(
            state: t.registrationState, statusCode: t.registrationStatusCode, error: t.registrationError,
            expiresAt: t.registrationExpiresAt, nextAttemptAt: t.registrationNextAttemptAt)
        createdAt = t.createdAt
    }
}

enum Transport: String, CaseIterable { case udp, tcp, tls }
enum ReferURIStyle: String, CaseIterable { case sip, tel }
