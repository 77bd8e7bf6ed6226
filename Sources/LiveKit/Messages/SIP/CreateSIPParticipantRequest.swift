import Foundation

/// Dials out: a SIP participant joins `roomName` and calls `sipCallTo` (`livekit.CreateSIPParticipantRequest`).
public struct CreateSIPParticipantRequest: Codable, Sendable, Equatable {
    /// The outbound trunk (`ST_`).
    public var sipTrunkId: String?
    /// A per-call trunk instead of `sipTrunkId`.
    public var trunk: SIPOutboundConfig?
    /// Overrides the Request-URI.
    public var sipRequestUri: SIPRequestDest?
    /// Overrides the To header.
    public var sipToHeader: SIPNamedDest?
    /// Overrides the From header.
    public var sipFromHeader: SIPNamedDest?
    /// The number (or user) to call; no `@`.
    public var sipCallTo: String?
    /// Overrides the user part of To.
    public var toUserOverride: String?
    /// The caller id (From number); else one of the trunk's numbers.
    public var sipNumber: String?
    /// The room the call joins.
    public var roomName: String?
    /// Identity of the SIP participant (default `sip_<sipCallTo>`).
    public var participantIdentity: String?
    /// Its display name in the room.
    public var participantName: String?
    /// Its metadata.
    public var participantMetadata: String?
    /// Its attributes.
    public var participantAttributes: [String: String]?
    /// Digits sent after answer (`w` = 0.5 s pause).
    public var dtmf: String?
    /// Deprecated alias of `playDialtone`.
    public var playRingtone: Bool?
    /// Play a dial tone to the room while ringing.
    public var playDialtone: Bool?
    /// Hide the number from the room.
    public var hidePhoneNumber: Bool?
    /// Extra SIP headers on the INVITE.
    public var headers: [String: String]?
    /// Which SIP headers become `sip.h.*` attributes.
    public var includeHeaders: SIPHeaderOptions?
    /// Give up when not answered in this time.
    public var ringingTimeout: ProtoDuration?
    /// The longest the call may last.
    public var maxCallDuration: ProtoDuration?
    /// Krisp noise cancellation.
    public var krispEnabled: Bool?
    /// SRTP (deprecated: use `media`).
    public var mediaEncryption: SIPMediaEncryption?
    /// Codecs, encryption and media timeout.
    public var media: SIPMediaConfig?
    /// Answer the RPC only once the callee answered (or failed).
    public var waitUntilAnswered: Bool?
    /// From display name: nil = the number, "" = none.
    public var displayName: String?
    /// Where the callee is (Cloud region pinning).
    public var destination: SIPDestination?

    /// A CreateSIPParticipantRequest; nil fields are not sent.
    public init(
        sipTrunkId: String? = nil,
        trunk: SIPOutboundConfig? = nil,
        sipRequestUri: SIPRequestDest? = nil,
        sipToHeader: SIPNamedDest? = nil,
        sipFromHeader: SIPNamedDest? = nil,
        sipCallTo: String? = nil,
        toUserOverride: String? = nil,
        sipNumber: String? = nil,
        roomName: String? = nil,
        participantIdentity: String? = nil,
        participantName: String? = nil,
        participantMetadata: String? = nil,
        participantAttributes: [String: String]? = nil,
        dtmf: String? = nil,
        playRingtone: Bool? = nil,
        playDialtone: Bool? = nil,
        hidePhoneNumber: Bool? = nil,
        headers: [String: String]? = nil,
        includeHeaders: SIPHeaderOptions? = nil,
        ringingTimeout: ProtoDuration? = nil,
        maxCallDuration: ProtoDuration? = nil,
        krispEnabled: Bool? = nil,
        mediaEncryption: SIPMediaEncryption? = nil,
        media: SIPMediaConfig? = nil,
        waitUntilAnswered: Bool? = nil,
        displayName: String? = nil,
        destination: SIPDestination? = nil
    ) {
        self.sipTrunkId = sipTrunkId
        self.trunk = trunk
        self.sipRequestUri = sipRequestUri
        self.sipToHeader = sipToHeader
        self.sipFromHeader = sipFromHeader
        self.sipCallTo = sipCallTo
        self.toUserOverride = toUserOverride
        self.sipNumber = sipNumber
        self.roomName = roomName
        self.participantIdentity = participantIdentity
        self.participantName = participantName
        self.participantMetadata = participantMetadata
        self.participantAttributes = participantAttributes
        self.dtmf = dtmf
        self.playRingtone = playRingtone
        self.playDialtone = playDialtone
        self.hidePhoneNumber = hidePhoneNumber
        self.headers = headers
        self.includeHeaders = includeHeaders
        self.ringingTimeout = ringingTimeout
        self.maxCallDuration = maxCallDuration
        self.krispEnabled = krispEnabled
        self.mediaEncryption = mediaEncryption
        self.media = media
        self.waitUntilAnswered = waitUntilAnswered
        self.displayName = displayName
        self.destination = destination
    }
}

extension CreateSIPParticipantRequest: ProtoOneofs {
    static var oneofMembers: Set<String> { ["displayName", "destination"] }
}
