import Crypto
import Foundation

/// Short-lived signed URLs for media LiveKit fetches from ScaiDial (Ingress playing a greeting):
/// LiveKit has no session, so the URL itself carries the permission — the path, an expiry and an
/// HMAC-SHA256 over both under a key derived from `SCAIDIAL_SECRET_KEY`.
struct MediaLinks: Sendable {
    private let key: SymmetricKey
    let publicURL: String
    /// How long a link works: long enough for Ingress to start fetching.
    var lifetime: TimeInterval = 600

    init(secretKey: String, publicURL: String) {
        key = SymmetricKey(data: SHA256.hash(data: Data("scaidial-media-links:\(secretKey)".utf8)))
        self.publicURL = publicURL
    }

    /// `path` (starting with `/media/`) with `exp` and `sig` query parameters.
    func sign(_ path: String, now: Date = Date()) -> String {
        let exp = Int(now.timeIntervalSince1970 + lifetime)
        return "\(publicURL)\(path)?exp=\(exp)&sig=\(signature(path, exp))"
    }

    /// Whether `sig` vouches for `path` until `exp`, and `exp` has not passed.
    func verify(_ path: String, exp: String?, sig: String?, now: Date = Date()) -> Bool {
        guard let exp, let expiry = Int(exp), let sig, Double(expiry) >= now.timeIntervalSince1970 else { return false }
        return constantTimeEquals(signature(path, expiry), sig)
    }

    private func signature(_ path: String, _ exp: Int) -> String {
        HMAC<SHA256>.authenticationCode(for: Data("\(path)\n\(exp)".utf8), using: key).map { String(format: "%02x", $0) }.joined()
    }
}
