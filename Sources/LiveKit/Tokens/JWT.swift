import Crypto
import Foundation

/// HS256 JSON Web Tokens, the only kind LiveKit accepts.
enum JWT {
    /// `{"alg":"HS256","typ":"JWT"}`.
    static let header = Data(#"{"alg":"HS256","typ":"JWT"}"#.utf8)

    static func sign(payload: Data, secret: String) -> String {
        let input = base64URL(header) + "." + base64URL(payload)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return input + "." + base64URL(Data(mac))
    }

    /// The parts of a token: decoded header and payload, and whether the signature verifies
    /// (checked in constant time).
    static func open(_ token: String, secret: String) throws(TokenError) -> (header: Data, payload: Data, signed: Bool) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = decodeBase64URL(parts[0]), let payload = decodeBase64URL(parts[1]),
            let signature = decodeBase64URL(parts[2])
        else { throw .malformed }
        let input = Data("\(parts[0]).\(parts[1])".utf8)
        let signed = HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: SymmetricKey(data: Data(secret.utf8)))
        return (header, payload, signed)
    }

    /// Base64url without padding.
    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}

/// Why a token was refused.
public enum TokenError: Error, Sendable, Equatable {
    /// Not three base64url parts of JSON.
    case malformed
    /// Not HS256.
    case unsupportedAlgorithm
    /// The signature does not match the secret.
    case badSignature
    /// Issued for another API key (`iss`).
    case wrongKey
    /// No `exp` claim.
    case missingExpiry
    /// Past `exp` (plus leeway).
    case expired
    /// Before `nbf` (minus leeway).
    case notYetValid
}
