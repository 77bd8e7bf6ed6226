import Crypto
import Foundation
import HummingbirdBcrypt

/// Password hashing with bcrypt on its own bounded pool (`CPUWorkPool.hashing`): a cost-12 hash
/// takes ~0.25 s of CPU, and a flood of sign-ins must not take the threads the database and the call
/// path run on. When the pool is full the caller gets 503 `sign_in_busy` with `Retry-After`.
struct PasswordHasher: Sendable {
    let cost: UInt8
    var pool: CPUWorkPool = .hashing

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await admitted { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String) async throws -> Bool {
        try await admitted { Bcrypt.verify(password, hash: hash) }
    }

    static let busy = Problem(
        .serviceUnavailable, "too many sign-ins and password changes at once; try again in a second",
        headers: [.retryAfter: "1"]
    ).coded("sign_in_busy")

    private func admitted<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        do {
            return try await pool.run(work)
        } catch is CPUWorkPool.Busy {
            throw Self.busy
        }
    }
}

/// Random bearer tokens; only their SHA-256 is stored.
enum OpaqueToken {
    static func generate() -> String {
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        return "sd_"
            + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Seals trunk passwords at rest with AES-GCM under a key derived from `SCAIDIAL_SECRET_KEY`.
public struct SecretBox: Sendable {
    private let key: SymmetricKey

    public init(secretKey: String) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: Data(secretKey.utf8)),
            info: Data("scaidial trunk credentials v1".utf8), outputByteCount: 32)
    }

    func seal(_ plaintext: String) throws -> String {
        // `combined` is nil only for nonces of a non-standard size; seal's own nonce is standard.
        guard let combined = try AES.GCM.seal(Data(plaintext.utf8), using: key).combined else {
            throw CryptoKitError.incorrectParameterSize
        }
        return combined.base64EncodedString()
    }

    func open(_ sealed: String) throws -> String {
        guard let data = Data(base64Encoded: sealed) else { throw CryptoKitError.incorrectParameterSize }
        let box = try AES.GCM.SealedBox(combined: data)
        return String(decoding: try AES.GCM.open(box, using: key), as: UTF8.self)
    }
}

/// Equal-time comparison for secrets (no early exit on the first differing byte).
func constantTimeEquals(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    var diff = UInt8(x.count == y.count ? 0 : 1)
    for i in 0..<max(x.count, y.count) {
        diff |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
    }
    return diff == 0
}
