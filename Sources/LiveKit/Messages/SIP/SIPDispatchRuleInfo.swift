import Foundation

/// Where inbound calls go: a dispatch rule (`livekit.SIPDispatchRuleInfo`).
public struct SIPDispatchRuleInfo: Codable, Sendable, Equatable {
    /// The `SDR_` id (empty when creating).
    public var sipDispatchRuleId: String?
    /// How the room is chosen.
    public var rule: SIPDispatchRule?
    /// Inbound trunks this rule serves; empty = any.
    public var trunkIds: [String]?
    /// Hide the caller's number from the room.
    public var hidePhoneNumber: Bool?
    /// Caller (From) numbers this rule serves; empty = any.
    public var inboundNumbers: [String]?
    /// Called (To) numbers this rule serves; empty = any.
    public var numbers: [String]?
    /// A human name.
    public var name: String?
    /// Free-form data, inherited by the SIP participant.
    public var metadata: String?
    /// Attributes inherited by the SIP participant.
    public var attributes: [String: String]?
    /// A Cloud room preset.
    public var roomPreset: String?
    /// Applied when the call creates the room (e.g. `agents`).
    public var roomConfig: RoomConfiguration?
    /// Codecs, encryption and media timeout.
    public var media: SIPMediaConfig?
    /// Krisp noise cancellation.
    public var krispEnabled: Bool?
    /// SRTP (deprecated: use `media`).
    public var mediaEncryption: SIPMediaEncryption?
    /// RFC 3339, set by LiveKit.
    public var createdAt: String?
    /// RFC 3339, set by LiveKit.
    public var updatedAt: String?

    /// A SIPDispatchRuleInfo; nil fields are not sent.
    public init(
        sipDispatchRuleId: String? = nil,
        rule: SIPDispatchRule? = nil,
        trunkIds: [String]? = nil,
        hidePhoneNumber: Bool? = nil,
        inboundNumbers: [String]? = nil,
        numbers: [String]? = nil,
        name: String? = nil,
        metadata: String? = nil,
        attributes: [String: String]? = nil,
        roomPreset: String? = nil,
        roomConfig: RoomConfiguration? = nil,
        media: SIPMediaConfig? = nil,
        krispEnabled: Bool? = nil,
        mediaEncryption: SIPMediaEncryption? = nil,
        createdAt: String? = nil,
        updatedAt: String? = nil
    ) {
        self.sipDispatchRuleId = sipDispatchRuleId
        self.rule = rule
        self.trunkIds = trunkIds
        self.hidePhoneNumber = hidePhoneNumber
        self.inboundNumbers = inboundNumbers
        self.numbers = numbers
        self.name = name
        self.metadata = metadata
        self.attributes = attributes
        self.roomPreset = roomPreset
        self.roomConfig = roomConfig
        self.media = media
        self.krispEnabled = krispEnabled
        self.mediaEncryption = mediaEncryption
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
