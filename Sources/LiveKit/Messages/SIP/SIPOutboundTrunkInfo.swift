import Foundation

/// An outbound SIP trunk: where livekit-sip dials (`livekit.SIPOutboundTrunkInfo`).
public struct SIPOutboundTrunkInfo: Codable, Sendable, Equatable {
    /// The `ST_` id (empty when creating).
    public var sipTrunkId: String?
    /// A human name.
    public var name: String?
    /// Free-form data kept with the trunk.
    public var metadata: String?
    /// The carrier, `host[:port]` (no `sip:`).
    public var address: String?
    /// ISO country code of the destination (Cloud region pinning).
    public var destinationCountry: String?
    /// UDP, TCP, TLS or auto.
    public var transport: SIPTransport?
    /// Caller ids; one is chosen at random unless the call names one.
    public var numbers: [String]?
    /// Our digest user at the carrier.
    public var authUsername: String?
    /// Our digest password at the carrier.
    public var authPassword: String?
    /// SIP headers added to the INVITE.
    public var headers: [String: String]?
    /// SIP header → participant attribute.
    public var headersToAttributes: [String: String]?
    /// Participant attribute → SIP header.
    public var attributesToHeaders: [String: String]?
    /// Which SIP headers become `sip.h.*` attributes.
    public var includeHeaders: SIPHeaderOptions?
    /// SRTP (deprecated: use `media`).
    public var mediaEncryption: SIPMediaEncryption?
    /// Codecs, encryption and media timeout.
    public var media: SIPMediaConfig?
    /// Host used in the From header.
    public var fromHost: String?
    /// RFC 3339, set by LiveKit.
    public var createdAt: String?
    /// RFC 3339, set by LiveKit.
    public var updatedAt: String?

    /// A SIPOutboundTrunkInfo; nil fields are not sent.
    public init(
        sipTrunkId: String? = nil,
        name: String? = nil,
        metadata: String? = nil,
        address: String? = nil,
        destinationCountry: String? = nil,
        transport: SIPTransport? = nil,
        numbers: [String]? = nil,
        authUsername: String? = nil,
        authPassword: String? = nil,
        headers: [String: String]? = nil,
        headersToAttributes: [String: String]? = nil,
        attributesToHeaders: [String: String]? = nil,
        includeHeaders: SIPHeaderOptions? = nil,
        mediaEncryption: SIPMediaEncryption? = nil,
        media: SIPMediaConfig? = nil,
        fromHost: String? = nil,
        createdAt: String? = nil,
        updatedAt: String? = nil
    ) {
        self.sipTrunkId = sipTrunkId
        self.name = name
        self.metadata = metadata
        self.address = address
        self.destinationCountry = destinationCountry
        self.transport = transport
        self.numbers = numbers
        self.authUsername = authUsername
        self.authPassword = authPassword
        self.headers = headers
        self.headersToAttributes = headersToAttributes
        self.attributesToHeaders = attributesToHeaders
        self.includeHeaders = includeHeaders
        self.mediaEncryption = mediaEncryption
        self.media = media
        self.fromHost = fromHost
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
