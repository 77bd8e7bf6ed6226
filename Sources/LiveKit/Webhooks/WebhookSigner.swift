import Crypto
import Foundation

/// Signs webhook bodies as livekit-server does: a JWT issued by the API key, valid 5 minutes,
/// whose `sha256` claim is the standard base64 SHA-256 of the body. For fakes and tests.
public struct WebhookSigner: Sendable {
    private let apiKey: String
    private let apiSecret: String

    /// A signer for `apiKey` / `apiSecret`.
    public init(apiKey: String, apiSecret: String) {
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    /// Standard base64 (padded) SHA-256 of `body`: the `sha256` claim.
    public static func bodyHash(_ body: [UInt8]) -> String {
        Data(SHA256.hash(data: body)).base64EncodedString()
    }

    /// The `Authorization` header value (a bare JWT, no `Bearer`).
    public func authorization(for body: [UInt8], now: Date = Date(), ttl: Duration = .seconds(300)) throws -> String {
        var token = AccessToken(apiKey: apiKey, apiSecret: apiSecret)
        token.sha256 = Self.bodyHash(body)
        token.ttl = ttl
        return try token.jwt(now: now)
    }
}
