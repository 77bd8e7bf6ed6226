import Crypto

/// A `WWW-Authenticate` / `Proxy-Authenticate` digest challenge (RFC 3261 §22.4, RFC 7616 for
/// `qop` and the `-sess` variants, RFC 8760 for SHA-256 in SIP).
public struct DigestChallenge: Sendable, Equatable {
    public enum Algorithm: String, Sendable, CaseIterable {
        case md5 = "MD5", md5Sess = "MD5-sess", sha256 = "SHA-256", sha256Sess = "SHA-256-sess"

        /// Stronger algorithms are preferred when a server offers several (RFC 8760 §2.4).
        var strength: Int { self == .sha256 || self == .sha256Sess ? 2 : 1 }
        var isSession: Bool { self == .md5Sess || self == .sha256Sess }

        func hash(_ s: String) -> String {
            switch self {
            case .md5, .md5Sess: Insecure.MD5.hash(data: Array(s.utf8)).hex
            case .sha256, .sha256Sess: SHA256.hash(data: Array(s.utf8)).hex
            }
        }
    }

    public var realm: String
    public var nonce: String
    public var opaque: String?
    public var algorithm: Algorithm
    /// The `qop` values offered (`auth`, `auth-int`); empty for an RFC 2069 challenge.
    public var qop: [String]
    /// The nonce ran out but the credentials were right: answer again without counting a failure.
    public var stale: Bool
    /// 401 puts it in `WWW-Authenticate` (answered with `Authorization`); 407 in
    /// `Proxy-Authenticate` (answered with `Proxy-Authorization`).
    public var isProxy: Bool

    /// Parses one challenge; nil for other schemes, a missing realm or nonce, or an algorithm
    /// this client does not speak (e.g. `SHA-512-256`).
    public static func parse(_ value: String, isProxy: Bool) -> DigestChallenge? {
        let trimmed = value.trimmingSIPWhitespace()
        guard trimmed.lowercased().hasPrefix("digest "), let params = Self.parameters(String(trimmed.dropFirst(7))) else {
            return nil
        }
        guard let realm = params["realm"], let nonce = params["nonce"] else { return nil }
        let algorithmName = params["algorithm"] ?? "MD5"
        guard let algorithm = Algorithm.allCases.first(where: { $0.rawValue.lowercased() == algorithmName.lowercased() }) else {
            return nil
        }
        let qop = (params["qop"] ?? "").split(separator: ",").map { String($0).trimmingSIPWhitespace().lowercased() }.filter { !$0.isEmpty }
        return DigestChallenge(
            realm: realm, nonce: nonce, opaque: params["opaque"], algorithm: algorithm, qop: qop,
            stale: params["stale"]?.lowercased() == "true", isProxy: isProxy)
    }

    /// The challenge to answer in a 401/407: the strongest one this client speaks.
    public static func best(in response: SIPResponse) -> DigestChallenge? {
        let isProxy = response.statusCode == 407
        let values = response.headers[all: isProxy ? "Proxy-Authenticate" : "WWW-Authenticate"]
        return values.compactMap { parse($0, isProxy: isProxy) }.max { $0.algorithm.strength < $1.algorithm.strength }
    }

    /// `name=value` and `name="quoted, value"` pairs separated by commas.
    static func parameters(_ s: String) -> [String: String]? {
        var out: [String: String] = [:]
        var i = s.startIndex
        func skip(_ chars: Set<Character>) { while i < s.endIndex, chars.contains(s[i]) { i = s.index(after: i) } }
        while i < s.endIndex {
            skip([" ", "\t", ","])
            guard i < s.endIndex else { break }
            let nameStart = i
            while i < s.endIndex, s[i] != "=", s[i] != "," { i = s.index(after: i) }
            let name = String(s[nameStart..<i]).trimmingSIPWhitespace().lowercased()
            guard i < s.endIndex, s[i] == "=", !name.isEmpty else { return nil }
            i = s.index(after: i)
            skip([" ", "\t"])
            var value = ""
            if i < s.endIndex, s[i] == "\"" {
                i = s.index(after: i)
                var closed = false
                while i < s.endIndex {
                    let ch = s[i]
                    i = s.index(after: i)
                    if ch == "\\", i < s.endIndex {
                        value.append(s[i])
                        i = s.index(after: i)
                    } else if ch == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(ch)
                    }
                }
                guard closed else { return nil }
            } else {
                let start = i
                while i < s.endIndex, s[i] != "," { i = s.index(after: i) }
                value = String(s[start..<i]).trimmingSIPWhitespace()
            }
            out[name] = value
        }
        return out
    }
}

/// Credentials answering a challenge for one request.
public struct DigestCredentials: Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// The `Authorization` (or `Proxy-Authorization`) header for `method uri`. `cnonce` and
    /// `nonceCount` are used when the challenge offers `qop` (`auth` is preferred over `auth-int`;
    /// a REGISTER has an empty body).
    public func answer(
        _ c: DigestChallenge, method: String, uri: String, cnonce: String, nonceCount: Int
    ) -> (
        header: String, value: String
    ) {
        let h = c.algorithm.hash
        var ha1 = h("\(username):\(c.realm):\(password)")
        if c.algorithm.isSession { ha1 = h("\(ha1):\(c.nonce):\(cnonce)") }
        let qop = c.qop.contains("auth") ? "auth" : (c.qop.contains("auth-int") ? "auth-int" : nil)
        let ha2 = qop == "auth-int" ? h("\(method):\(uri):\(h(""))") : h("\(method):\(uri)")
        let nc = String(nonceCount, radix: 16).leftPadded(to: 8)
        var parts = [
            "username=\(quote(username))", "realm=\(quote(c.realm))", "nonce=\(quote(c.nonce))", "uri=\(quote(uri))",
        ]
        let response: String
        if let qop {
            response = h("\(ha1):\(c.nonce):\(nc):\(cnonce):\(qop):\(ha2)")
        } else {
            response = h("\(ha1):\(c.nonce):\(ha2)")
        }
        parts.append("response=\(quote(response))")
        parts.append("algorithm=\(c.algorithm.rawValue)")
        if let qop { parts += ["cnonce=\(quote(cnonce))", "qop=\(qop)", "nc=\(nc)"] }
        if let opaque = c.opaque { parts.append("opaque=\(quote(opaque))") }
        return (c.isProxy ? "Proxy-Authorization" : "Authorization", "Digest " + parts.joined(separator: ", "))
    }

    private func quote(_ s: String) -> String {
        "\"" + s.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"") + "\""
    }
}

extension Sequence where Element == UInt8 {
    var hex: String {
        let digits = Array("0123456789abcdef")
        var out = ""
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for ch in self { if ch == target { out += replacement } else { out.append(ch) } }
        return out
    }
}
