import Foundation
import Testing

@testable import LiveKit

@Suite("AccessToken and TokenVerifier")
struct TokenTests {
    static let key = "APIkey123"
    static let secret = "a-secret-that-is-at-least-32-characters-long"
    static let now = Date(timeIntervalSince1970: 1_760_000_000.75)

    /// A participant token with every claim set.
    static var full: AccessToken {
        var token = AccessToken(apiKey: key, apiSecret: secret)
        token.identity = "sip_+15550123"
        token.name = "Phone 0123"
        token.metadata = "{\"tenant\":\"t1\"}"
        token.attributes = ["sip.callID": "SCL_1", "scaidial.tenant": "t1"]
        token.kind = "sip"
        token.video = VideoGrant(
            roomCreate: true, roomList: true, roomRecord: true, roomAdmin: true, roomJoin: true, room: "call-1", canPublish: true,
            canSubscribe: false, canPublishData: true, canPublishSources: ["microphone"], canUpdateOwnMetadata: true, ingressAdmin: true,
            hidden: false, recorder: false, agent: true, canSubscribeMetrics: true, canManageAgentSession: true, destinationRoom: "call-2")
        token.sip = SIPGrant(admin: true, call: true)
        token.roomConfig = RoomConfiguration(
            emptyTimeout: 30, departureTimeout: 5, maxParticipants: 4, metadata: "m",
            agents: [RoomAgentDispatch(agentName: "receptionist", metadata: "{\"k\":1}")])
        token.sha256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        token.ttl = .seconds(3600)
        return token
    }

    @Test("claims round-trip through the verifier")
    func roundTrip() throws {
        let claims = try TokenVerifier(apiKey: Self.key, apiSecret: Self.secret).verify(try Self.full.jwt(now: Self.now), now: Self.now)
        var expected = Self.full.claims(now: Self.now)
        expected.roomConfig?.agents?[0].restartPolicy = .onFailure  // an absent enum reads as its zero value
        #expect(claims == expected)
        #expect(claims.identity == "sip_+15550123" && claims.iss == Self.key)
        #expect(claims.roomConfig?.agents?.first?.agentName == "receptionist")
        #expect(claims.attributes?["sip.callID"] == "SCL_1")
    }

    @Test("nbf, iat and exp are whole seconds; exp = nbf + ttl")
    func wholeSeconds() throws {
        let claims = Self.full.claims(now: Self.now)
        #expect(claims.nbf == 1_760_000_000 && claims.iat == 1_760_000_000 && claims.exp == 1_760_003_600)
        let payload = try #require(try Self.full.jwt(now: Self.now).split(separator: ".").dropFirst().first)
        let text = String(decoding: Data(base64Encoded: Self.padded(payload))!, as: UTF8.self)
        #expect(text.contains("\"exp\":1760003600") && text.contains("\"roomConfig\":{\"agents\":[{\"agentName\":\"receptionist\""))
        for snake in ["room_config", "agent_name", "empty_timeout", "room_create", "can_publish"] {
            #expect(!text.contains(snake), "claims are camelCase: \(text)")
        }
    }

    @Test("the header is HS256 JWT and the encoding is base64url without padding")
    func header() throws {
        let jwt = try Self.full.jwt(now: Self.now)
        #expect(jwt.hasPrefix("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."))
        #expect(!jwt.contains("=") && !jwt.contains("+") && !jwt.contains("/"))
    }

    @Test("a tampered, expired, early, foreign or unsigned token is refused")
    func refusals() throws {
        let verifier = TokenVerifier(apiKey: Self.key, apiSecret: Self.secret)
        let jwt = try Self.full.jwt(now: Self.now)
        var parts = jwt.split(separator: ".").map(String.init)
        let forged = try ProtoJSON.encode(TokenClaims(iss: Self.key, exp: 2_000_000_000, sip: SIPGrant(admin: true)), keys: .camelCase)
        parts[1] = forged.base64EncodedString().replacingOccurrences(of: "=", with: "")
        #expect(throws: TokenError.badSignature) { try verifier.verify(parts.joined(separator: "."), now: Self.now) }
        #expect(throws: TokenError.expired) { try verifier.verify(jwt, now: Self.now + 3600 + 61) }
        #expect(throws: Never.self) { try verifier.verify(jwt, now: Self.now + 3600 + 59) }
        #expect(throws: TokenError.notYetValid) { try verifier.verify(jwt, now: Self.now - 61) }
        #expect(throws: TokenError.badSignature) { try TokenVerifier(apiKey: Self.key, apiSecret: "other").verify(jwt, now: Self.now) }
        #expect(throws: TokenError.wrongKey) { try TokenVerifier(apiKey: "APIother", apiSecret: Self.secret).verify(jwt, now: Self.now) }
        #expect(throws: TokenError.malformed) { try verifier.verify("not.a-jwt", now: Self.now) }
    }

    @Test("a token without exp, or not HS256, is refused")
    func expiryAndAlgorithmRequired() throws {
        let verifier = TokenVerifier(apiKey: Self.key, apiSecret: Self.secret)
        let noExp = JWT.sign(payload: Data(#"{"iss":"APIkey123","sip":{"admin":true}}"#.utf8), secret: Self.secret)
        #expect(throws: TokenError.missingExpiry) { try verifier.verify(noExp, now: Self.now) }
        let parts = try Self.full.jwt(now: Self.now).split(separator: ".")
        let none = JWT.base64URL(Data(#"{"alg":"none","typ":"JWT"}"#.utf8)) + "." + parts[1] + "." + parts[2]
        #expect(throws: TokenError.unsupportedAlgorithm) { try verifier.verify(none, now: Self.now) }
    }

    @Test("tokens for the oracle: the official SDK must read these grants back")
    func oracleTokens() throws {
        var minimal = AccessToken(apiKey: Self.key, apiSecret: Self.secret)
        minimal.sip = SIPGrant(call: true)
        var agent = AccessToken(apiKey: Self.key, apiSecret: Self.secret)
        agent.identity = "agent-1"
        agent.kind = "agent"
        agent.video = VideoGrant(roomJoin: true, room: "call-1", canPublish: true, canSubscribe: true, agent: true)
        let cases = try [("full", Self.full), ("sip-call-only", minimal), ("agent", agent)].map { name, token in
            Oracle.TokenCase(
                name: name, jwt: try token.jwt(), api_key: Self.key, api_secret: Self.secret,
                expected: try ProtoJSON.tree(token.claims(), keys: .camelCase))
        }
        try Oracle.writeTokens(cases, group: "")
    }

    static func padded(_ s: Substring) -> String {
        let base = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return base + String(repeating: "=", count: (4 - base.count % 4) % 4)
    }
}
