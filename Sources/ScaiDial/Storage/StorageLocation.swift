import Foundation

/// Where `SCAIDIAL_STORAGE_URL` points:
/// - `file:///var/lib/scaidial/recordings` or `file://./recordings` (relative to the working directory);
/// - `s3://bucket/optional/prefix?region=eu-west-1&endpoint=http://host:9000&path_style=true`.
public enum StorageLocation: Sendable, Equatable {
    case directory(String)
    case s3(S3Location)

    static let forms = "file:///dir, file://./dir or s3://bucket/prefix?region=…&endpoint=http(s)://host:port&path_style=true|false"

    /// The location, or what is wrong with the URL (each problem a sentence).
    public static func parse(_ url: String) -> Result<StorageLocation, ConfigurationError> {
        if url.hasPrefix("file://") {
            let path = String(url.dropFirst("file://".count))
            guard !path.isEmpty, !path.contains("?") else {
                return .failure(ConfigurationError(problems: ["SCAIDIAL_STORAGE_URL: a file:// URL needs a directory (\(forms))"]))
            }
            return .success(.directory(path))
        }
        if url.hasPrefix("s3://") { return S3Location.parse(url).map { .s3($0) } }
        return .failure(ConfigurationError(problems: ["SCAIDIAL_STORAGE_URL must be \(forms)"]))
    }
}

/// An S3 bucket (and a key prefix in it) on AWS or an S3-compatible store.
public struct S3Location: Sendable, Equatable {
    public var bucket: String
    /// Prepended to every key; empty, or ends with `/`.
    public var prefix: String
    /// The signing region; self-hosted stores usually accept `us-east-1` (the default).
    public var region: String
    /// `scheme://host[:port]` of a self-hosted store; nil = AWS (`https://s3.<region>.amazonaws.com`).
    public var endpoint: String?
    /// `endpoint/bucket/key` instead of `bucket.endpoint/key`. Defaults to true with a custom
    /// endpoint (self-hosted stores rarely have wildcard DNS) and for bucket names with dots (they
    /// break TLS on virtual hosts), false otherwise.
    public var pathStyle: Bool

    /// The base URL requests go to, without the bucket (`https://s3.eu-west-1.amazonaws.com`).
    public var endpointURL: String { endpoint ?? "https://s3.\(region).amazonaws.com" }

    static func parse(_ url: String) -> Result<S3Location, ConfigurationError> {
        var problems: [String] = []
        func problem(_ text: String) { problems.append("SCAIDIAL_STORAGE_URL: \(text)") }
        let rest = url.dropFirst("s3://".count)
        let (location, queryText) =
            rest.firstIndex(of: "?").map { (rest[..<$0], String(rest[rest.index(after: $0)...])) } ?? (rest, "")
        let bucket = String(location.prefix { $0 != "/" })
        var prefix = String(location.dropFirst(bucket.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        if bucket.contains("@") || bucket.contains(":") {
            problem("put S3 credentials in SCAIDIAL_S3_ACCESS_KEY_ID / SCAIDIAL_S3_SECRET_ACCESS_KEY, not in the URL")
        } else if !isBucketName(bucket) {
            problem("\"\(bucket)\" is not an S3 bucket name (3–63 lower-case letters, digits, dots and hyphens)")
        }
        if !prefix.isEmpty {
            if (try? StorageError.check(prefix)) == nil { problem("the prefix \"\(prefix)\" is not a plain relative path") }
            prefix += "/"
        }
        var region = "us-east-1"
        var endpoint: String?
        var pathStyle: Bool?
        for pair in queryText.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            let value = parts.count > 1 ? (parts[1].removingPercentEncoding ?? parts[1]) : ""
            switch name {
            case "region":
                if value.isEmpty || !value.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) {
                    problem("region \"\(value)\" is not a region name such as eu-west-1")
                }
                region = value
            case "endpoint":
                guard let u = URL(string: value), let scheme = u.scheme, ["http", "https"].contains(scheme), let host = u.host,
                    !host.isEmpty, u.path.isEmpty || u.path == "/", u.query == nil, u.user == nil
                else {
                    problem("endpoint must be http(s)://host[:port] (no path), not \"\(value)\"")
                    continue
                }
                endpoint = "\(scheme)://\(host)\(u.port.map { ":\($0)" } ?? "")"
            case "path_style":
                guard let flag = ["true": true, "false": false][value] else {
                    problem("path_style must be true or false")
                    continue
                }
                pathStyle = flag
            default:
                problem("unknown parameter \"\(name)\" (known: region, endpoint, path_style)")
            }
        }
        guard problems.isEmpty else { return .failure(ConfigurationError(problems: problems)) }
        return .success(
            S3Location(
                bucket: bucket, prefix: prefix, region: region, endpoint: endpoint,
                pathStyle: pathStyle ?? (endpoint != nil || bucket.contains("."))))
    }

    /// AWS's rules for new buckets (self-hosted stores accept a subset of what AWS once allowed).
    static func isBucketName(_ name: String) -> Bool {
        guard (3...63).contains(name.count), let first = name.first, let last = name.last,
            first.isASCII && (first.isLowercase || first.isNumber), last.isASCII && (last.isLowercase || last.isNumber)
        else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "." || $0 == "-") } && !name.contains("..")
    }
}

/// The storage `SCAIDIAL_STORAGE_URL` names (checked at start-up by the configuration).
enum StorageFactory {
    static func make(_ config: AppConfig) throws -> any ObjectStorage {
        switch StorageLocation.parse(config.storageURL) {
        case .failure(let error):
            throw error
        case .success(.directory(let path)):
            return FileStorage(directory: path)
        case .success(.s3(let location)):
            guard let credentials = config.s3Credentials else {
                throw ConfigurationError(problems: [S3Credentials.missing])
            }
            return S3Storage(location: location, credentials: credentials)
        }
    }
}
