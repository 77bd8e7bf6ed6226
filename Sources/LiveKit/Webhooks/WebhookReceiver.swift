import Crypto
import Foundation

/// Why a webhook was refused.
public enum WebhookError: Error, Sendable, Equatable {
    /// No `Authorization` header.
    case missingAuthorization
    /// The token is malformed, not HS256, lacks `exp`, or its signature does not verify.
    case badSignature
    /// The token is expired (or not yet valid), beyond 60 s of leeway.
    case expired
    /// The token was issued for another API key.
    case wrongKey
    /// The body is not the one the token signed (`sha256` claim).
    case bodyHashMismatch
    /// The body verified but is not a LiveKit event.
    case malformedBody
}

/// Verifies and decodes LiveKit webhooks: `Authorization` carries a JWT (no `Bearer`) signed with
/// the API secret whose `sha256` claim is the standard base64 SHA-256 of the exact body.
public struct WebhookReceiver: Sendable {
    private let verifier: TokenVerifier

    /// A receiver for webhooks signed by `apiKey` / `apiSecret` (livekit-server's `webhook.api_key`).
    public init(apiKey: String, apiSecret: String) {
        verifier = TokenVerifier(apiKey: apiKey, apiSecret: apiSecret)
    }

    /// `authorization` is the raw header (a `Bearer ` prefix is tolerated). Verifies the token,
    /// compares its `sha256` claim with the body's hash in constant time, then decodes the event
    /// (camelCase protojson with zero values omitted: absent `kind` = STANDARD, absent participant
    /// `state` = JOINING, 64-bit integers as strings).
    public func receive(body: [UInt8], authorization: String?, now: Date = Date()) throws(WebhookError) -> WebhookEvent {
        var token = (authorization ?? "").trimmingCharacters(in: .whitespaces)
        if token.lowercased().hasPrefix("bearer ") { token = String(token.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
        guard !token.isEmpty else { throw .missingAuthorization }
        let claims: TokenClaims
        do {
            claims = try verifier.verify(token, now: now)
        } catch {
            switch error {
            case .expired, .notYetValid: throw .expired
            case .wrongKey: throw .wrongKey
            default: throw .badSignature
            }
        }
        guard let claimed = claims.sha256.flatMap({ Data(base64Encoded: $0) }),
            Self.constantTimeEqual(Array(claimed), Array(SHA256.hash(data: body)))
        else { throw .bodyHashMismatch }
        do {
            return try ProtoJSON.decode(WebhookEvent.self, from: Data(body))
        } catch {
            throw .malformedBody
        }
    }

    /// Equal bytes, compared without an early exit.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
