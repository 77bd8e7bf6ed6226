import Crypto
import Foundation

/// AWS Signature Version 4 for requests signed in the `Authorization` header
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html).
///
/// Pure: the request's parts and a date in, the header out. The caller sends exactly the headers it
/// signed (including `host`), and the path it signed, already encoded with `encodePath`.
struct SigV4: Sendable {
    let accessKeyID: String
    let secretAccessKey: String
    let region: String
    let service: String

    static let algorithm = "AWS4-HMAC-SHA256"
    /// SHA-256 of nothing: the payload hash of GET, HEAD and DELETE.
    static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    struct Signature: Sendable {
        let authorization: String
        let canonicalRequest: String
        let stringToSign: String
        let signature: String
    }

    /// Signs `method encodedPath?query` with `headers` (names in any case; every one is signed).
    /// `query` holds raw (unencoded) names and values; `payloadHash` is the hex SHA-256 of the body
    /// (S3 also wants it sent as `x-amz-content-sha256`).
    func sign(
        method: String, encodedPath: String, query: [(String, String)] = [], headers: [(String, String)], payloadHash: String,
        date: Date
    ) -> Signature {
        let (amzDate, day) = Self.timestamps(date)
        let canonicalHeaders = headers.map { (name: $0.0.lowercased(), value: Self.trimmed($0.1)) }.sorted { $0.name < $1.name }
        let signedHeaders = canonicalHeaders.map(\.name).joined(separator: ";")
        let canonicalRequest = [
            method,
            encodedPath.isEmpty ? "/" : encodedPath,
            Self.canonicalQuery(query),
            canonicalHeaders.map { "\($0.name):\($0.value)\n" }.joined(),
            signedHeaders,
            payloadHash,
        ].joined(separator: "\n")
        let scope = "\(day)/\(region)/\(service)/aws4_request"
        let stringToSign = [Self.algorithm, amzDate, scope, Self.hex(SHA256.hash(data: Data(canonicalRequest.utf8)))]
            .joined(separator: "\n")
        let signature = Self.hex(HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey(day: day)))
        return Signature(
            authorization: "\(Self.algorithm) Credential=\(accessKeyID)/\(scope), SignedHeaders=\(signedHeaders), Signature=\(signature)",
            canonicalRequest: canonicalRequest, stringToSign: stringToSign, signature: signature)
    }

    /// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request").
    func signingKey(day: String) -> SymmetricKey {
        var key = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, service, "aws4_request"] {
            key = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: key)))
        }
        return key
    }

    /// `20130524T000000Z` (the `x-amz-date` header) and `20130524` (the credential scope), in UTC.
    static func timestamps(_ date: Date) -> (amzDate: String, day: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0) ?? calendar.timeZone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let day = String(format: "%04d%02d%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
        return (day + String(format: "T%02d%02d%02dZ", c.hour ?? 0, c.minute ?? 0, c.second ?? 0), day)
    }

    /// RFC 3986 encoding as SigV4 wants it: everything but `A-Z a-z 0-9 - . _ ~` as `%XX` (upper
    /// case) over UTF-8; `/` too unless `keepSlash` (object keys in a path keep their slashes).
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: "/") where keepSlash:
                out.append("/")
            default:
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }

    /// S3's canonical URI: the path encoded once, slashes kept (S3 does not normalise or
    /// double-encode paths, unlike other services).
    static func encodePath(_ path: String) -> String {
        encode(path.hasPrefix("/") ? path : "/" + path, keepSlash: true)
    }

    /// Names and values encoded, sorted by name then value, `name=value` joined with `&`.
    static func canonicalQuery(_ items: [(String, String)]) -> String {
        let encoded: [(name: String, value: String)] = items.map { (encode($0.0), encode($0.1)) }
        return encoded.sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
            .map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// Header values: surrounding spaces trimmed, runs of spaces made one.
    static func trimmed(_ value: String) -> String {
        value.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
    }

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func payloadHash(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }
}
