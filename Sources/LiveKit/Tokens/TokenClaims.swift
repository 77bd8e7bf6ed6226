import Foundation

/// The claims of a LiveKit access token (registered JWT claims plus LiveKit's grants).
public struct TokenClaims: Codable, Sendable, Equatable {
    /// The API key.
    public var iss: String?
    /// The participant identity (absent for server-API tokens).
    public var sub: String?
    /// Not before (unix seconds).
    public var nbf: Int?
    /// Expiry (unix seconds).
    public var exp: Int?
    /// Issued at (unix seconds).
    public var iat: Int?
    /// Participant name.
    public var name: String?
    /// Participant kind: `standard`, `ingress`, `egress`, `sip`, `agent`, `connector`, `bridge`.
    public var kind: String?
    /// Participant metadata.
    public var metadata: String?
    /// Participant attributes.
    public var attributes: [String: String]?
    /// Standard base64 SHA-256 of a webhook body.
    public var sha256: String?
    /// Cloud room preset.
    public var roomPreset: String?
    /// Room configuration applied when the holder's join creates the room.
    public var roomConfig: RoomConfiguration?
    /// Room permissions.
    public var video: VideoGrant?
    /// SIP permissions.
    public var sip: SIPGrant?

    /// The participant identity (`sub`).
    public var identity: String? { sub }

    /// Claims; nil ones are left out of the token.
    public init(
        iss: String? = nil, sub: String? = nil, nbf: Int? = nil, exp: Int? = nil, iat: Int? = nil, name: String? = nil,
        kind: String? = nil, metadata: String? = nil, attributes: [String: String]? = nil, sha256: String? = nil,
        roomPreset: String? = nil, roomConfig: RoomConfiguration? = nil, video: VideoGrant? = nil, sip: SIPGrant? = nil
    ) {
        self.iss = iss
        self.sub = sub
        self.nbf = nbf
        self.exp = exp
        self.iat = iat
        self.name = name
        self.kind = kind
        self.metadata = metadata
        self.attributes = attributes
        self.sha256 = sha256
        self.roomPreset = roomPreset
        self.roomConfig = roomConfig
        self.video = video
        self.sip = sip
    }
}
