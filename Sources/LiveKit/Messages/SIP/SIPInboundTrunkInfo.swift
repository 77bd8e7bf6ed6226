import Foundation

/// An inbound SIP trunk: which calls livekit-sip accepts (`livekit.SIPInboundTrunkInfo`).
public struct SIPInboundTrunkInfo: Codable, Sendable, Equatable {
    /// The `ST_` id (empty when creating).
    public var sipTrunkId: String?
    /// A human name.
    public var name: String?
    /// Free-form data kept with the trunk.
    public var metadata: String?
    /// Called numbers this trunk accepts; empty = any (a wildcard trunk).
    public var numbers: [String]?
    /// Source IPs or CIDRs the carrier calls from.
    public var allowedAddresses: [String]?
    /// Caller numbers accepted; empty = any.
    public var allowedNumbers: [String]?
    /// Digest user the carrier must authenticate with.
    public var authUsername: String?
    /// Digest password.
    public var authPassword: String?
    /// Digest realm.
    public var authRealm: String?
    /// SIP headers added to the 200 OK.
    public var headers: [String: String]?
    /// SIP header → participant attribute.
    public var headersToAttributes: [String: String]?
    /// Participant attribute → SIP header (BYE/REFER).
    public var attributesToHeaders: [String: String]?
    /// Which SIP headers become `sip.h.*` attributes.
    public var includeHeaders: SIPHeaderOptions?
    /// How long an inbound call may ring.
    public var ringingTimeout: ProtoDuration?
    /// The longest a call may last.
    public var maxCallDuration: ProtoDuration?
    /// Krisp noise cancellation.
    public var krispEnabled: Bool?
    /// SRTP (deprecated: use `media`).
    public var mediaEncryption: SIPMediaEncryption?
    /// Codecs, encryption and media timeout.
    public var media: SIPMediaConfig?
    /// RFC 3339, set by LiveKit.
    public var createdAt: String?
    /// RFC 3339, set by LiveKit.
    public var updatedAt: String?

    /// A SIPInboundTrunkInfo; nil fields are not sent.
    public init(
        sipTrunkId: String? = nil,
        name: String? = nil,
        metadata: String? = nil,
        numbers: [String]? = nil,
        allowedAddresses: [String]? = nil,
        allowedNumbers: [String]? = nil,
        authUsername: String? = nil,
        authPassword: String? = nil,
        authRealm: String? = nil,
        headers: [String: String]? = nil,
        headersToAttributes: [String: String]? = nil,
        attributesToHeaders: [String: String]? = nil,
        includeHeaders: SIPHeaderOptions? = nil,
        ringingTimeout: ProtoDuration? = nil,
        maxCallDuration: ProtoDuration? = nil,
        krispEnabled: Bool? = nil,
        mediaEncryption: SIPMediaEncryption? = nil,
        media: SIPMediaConfig? = nil,
        createdAt: String? = nil,
        updatedAt: String? = nil
    ) {
        self.sipTrunkId = sipTrunkId
        self.name = name
        self.metadata = metadata
        self.numbers = numbers
        self.allowedAddresses = allowedAddresses
        self.allowedNumbers = allowedNumbers
        self.authUsername = authUsername
        self.authPassword = authPassword
        self.authRealm = authRealm
        self.headers = headers
        self.headersToAttributes = headersToAttributes
        self.attributesToHeaders = attributesToHeaders
        self.includeHeaders = includeHeaders
        self.ringingTimeout = ringingTimeout
        self.maxCallDuration = maxCallDuration
        self.krispEnabled = krispEnabled
        self.mediaEncryption = mediaEncryption
        self.media = media
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
