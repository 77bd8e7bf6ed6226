import Foundation

/// Verifies LiveKit access tokens like livekit-server does: HS256 only, `iss` must be the API key,
/// `exp` required, `exp`/`nbf` checked with 60 seconds of leeway.
public struct TokenVerifier: Sendable {
    private let apiKey: String
    private let apiSecret: String
    /// Clock skew tolerated on `exp` and `nbf`.
    public var leeway: TimeInterval = 60

    /// A verifier for tokens issued by `apiKey` and signed with `apiSecret`.
    public init(apiKey: String, apiSecret: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    private struct Header: Decodable {
        var alg: String?
    }

    /// The token's claims, if it is valid now.
    public func verify(_ jwt: String, now: Date = Date()) throws(TokenError) -> TokenClaims {
        let (headerData, payload, signed) = try JWT.open(jwt, secret: apiSecret)
        let header: Header
        let claims: TokenClaims
        do {
            header = try JSONDecoder().decode(Header.self, from: headerData)
            claims = try ProtoJSON.decode(TokenClaims.self, from: payload)
        } catch {
            throw .malformed
        }
        guard header.alg == "HS256" else { throw .unsupportedAlgorithm }
        guard claims.iss == apiKey else { throw .wrongKey }
        guard signed else { throw .badSignature }
        guard let exp = claims.exp else { throw .missingExpiry }
        let time = now.timeIntervalSince1970
        guard time <= TimeInterval(exp) + leeway else { throw .expired }
        if let nbf = claims.nbf, time + leeway < TimeInterval(nbf) { throw .notYetValid }
        return claims
    }
}
