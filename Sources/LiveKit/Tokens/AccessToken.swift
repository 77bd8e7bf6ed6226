import Foundation

/// A LiveKit access token, minted like LiveKit's SDKs do: HS256 with the API secret, `iss` = API
/// key, `sub` = identity, `nbf` = now, `exp` = now + ttl (whole seconds), plus the grants.
public struct AccessToken: Sendable {
    /// The API key (`iss`).
    public let apiKey: String
    private let apiSecret: String
    /// Participant identity (`sub`); nil for server-API tokens.
    public var identity: String?
    /// Participant name.
    public var name: String?
    /// Participant metadata.
    public var metadata: String?
    /// Participant attributes.
    public var attributes: [String: String]?
    /// Participant kind: `standard`, `sip`, `agent`, ...
    public var kind: String?
    /// Room permissions.
    public var video: VideoGrant?
    /// SIP permissions.
    public var sip: SIPGrant?
    /// Room configuration for a room the holder's join creates (written camelCase, e.g.
    /// `{"agents":[{"agentName":"x"}],"emptyTimeout":30}`).
    public var roomConfig: RoomConfiguration?
    /// Cloud room preset.
    public var roomPreset: String?
    /// Standard base64 SHA-256 of a body (webhooks).
    public var sha256: String?
    /// How long the token is valid (default 6 hours, like LiveKit's SDKs).
    public var ttl: Duration = .seconds(6 * 3600)

    /// A token signed with `apiSecret`, issued by `apiKey`.
    public init(apiKey: String, apiSecret: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    /// The claims `jwt(now:)` signs.
    public func claims(now: Date = Date()) -> TokenClaims {
        let issued = Int(now.timeIntervalSince1970.rounded(.down))
        return TokenClaims(
            iss: apiKey, sub: identity, nbf: issued, exp: issued + Int(ttl.components.seconds), iat: issued, name: name, kind: kind,
            metadata: metadata, attributes: attributes, sha256: sha256, roomPreset: roomPreset, roomConfig: roomConfig, video: video,
            sip: sip)
    }

    /// The signed token.
    public func jwt(now: Date = Date()) throws -> String {
        JWT.sign(payload: try ProtoJSON.encode(claims(now: now), keys: .camelCase), secret: apiSecret)
    }
}
