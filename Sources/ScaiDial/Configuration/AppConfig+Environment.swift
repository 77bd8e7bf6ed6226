import Foundation
import SIPRegistration

/// A configuration that could not be used; lists every problem at once.
public struct ConfigurationError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String {
        "invalid configuration:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}

extension AppConfig {
    /// Reads the `SCAIDIAL_*` and `LIVEKIT_*` variables (spec §5). When `SCAIDIAL_SECRET_KEY` is
    /// absent, a key is generated once into `<data dir>/scaidial-secret.key` and reused afterwards.
    public static func fromEnvironment(_ env: [String: String]) throws -> AppConfig {
        var problems: [String] = []
        func value(_ key: String) -> String? {
            guard let raw = env[key]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
            return raw
        }
        /// A whole number in `range` (the default when unset), or nil with the problem noted.
        func number(_ key: String, default fallback: Int, in range: ClosedRange<Int>, _ problem: String) -> Int? {
            guard let n = Int(value(key) ?? String(fallback)), range.contains(n) else {
                problems.append(problem)
                return nil
            }
            return n
        }
        let dataDirectory = value("SCAIDIAL_DATA_DIR") ?? "."
        let databaseURL = value("SCAIDIAL_DATABASE_URL") ?? "sqlite://./scaidial.sqlite"
        if DatabaseURL.parse(databaseURL) == nil {
            problems.append("SCAIDIAL_DATABASE_URL must be sqlite://PATH or postgres://user:pass@host:port/db")
        }
        let port = number("SCAIDIAL_PORT", default: 8080, in: 1...65535, "SCAIDIAL_PORT must be a port number")
        let publicURL = value("SCAIDIAL_PUBLIC_URL") ?? "http://127.0.0.1:\(port ?? 8080)"
        if URL(string: publicURL)?.scheme.map({ ["http", "https"].contains($0) }) != true {
            problems.append("SCAIDIAL_PUBLIC_URL must be an http(s) URL")
        }
        let secretKey = value("SCAIDIAL_SECRET_KEY")
        if let key = secretKey, key.count < 32 {
            problems.append("SCAIDIAL_SECRET_KEY must be at least 32 characters")
        }
        if secretKey == nil, case .postgres? = DatabaseURL.parse(databaseURL) {
            // Replicas that each generated a key could not open each other's sealed trunk
            // passwords nor check each other's signed links.
            problems.append(
                "SCAIDIAL_SECRET_KEY is required with PostgreSQL: every replica must use the same key (at least 32 characters)")
        }
        var liveKit: LiveKitSettings?
        let lk = (value("LIVEKIT_URL"), value("LIVEKIT_API_KEY"), value("LIVEKIT_API_SECRET"))
        switch lk {
        case (nil, nil, nil): break
        case let (url?, key?, secret?): liveKit = LiveKitSettings(url: url, apiKey: key, apiSecret: secret)
        default: problems.append("LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set together")
        }
        let voicemailMax = number(
            "SCAIDIAL_VOICEMAIL_MAX_SECONDS", default: 120, in: 10...3600,
            "SCAIDIAL_VOICEMAIL_MAX_SECONDS must be a whole number of seconds from 10 to 3600")
        let rejoinGrace = number(
            "SCAIDIAL_REJOIN_GRACE_S", default: 10, in: 0...120, "SCAIDIAL_REJOIN_GRACE_S must be a whole number of seconds from 0 to 120")
        let callerArrival = number(
            "SCAIDIAL_CALLER_ARRIVAL_S", default: Int(CallMachine.Opening.callerArrivalTimeout), in: 5...3600,
            "SCAIDIAL_CALLER_ARRIVAL_S must be a whole number of seconds from 5 to 3600")
        let perAddress = number(
            "SCAIDIAL_SIGNIN_FAILURES_PER_ADDRESS", default: 20, in: 0...100_000,
            "SCAIDIAL_SIGNIN_FAILURES_PER_ADDRESS must be a whole number from 0 (off) to 100000")
        let perAccount = number(
            "SCAIDIAL_SIGNIN_FAILURES_PER_ACCOUNT", default: 10, in: 0...100_000,
            "SCAIDIAL_SIGNIN_FAILURES_PER_ACCOUNT must be a whole number from 0 (off) to 100000")
        let idleTimeout = number(
            "SCAIDIAL_HTTP_IDLE_TIMEOUT_S", default: 75, in: 2...3600,
            "SCAIDIAL_HTTP_IDLE_TIMEOUT_S must be a whole number of seconds from 2 to 3600")
        let allowPrivateSIP = value("SCAIDIAL_ALLOW_PRIVATE_SIP")
        if let allowPrivateSIP, !["0", "1"].contains(allowPrivateSIP) {
            problems.append("SCAIDIAL_ALLOW_PRIVATE_SIP must be 1 (trunks may point to private addresses) or 0")
        }
        let trustForwarded = value("SCAIDIAL_TRUST_FORWARDED_FOR")
        if let trustForwarded, !["0", "1"].contains(trustForwarded) {
            problems.append("SCAIDIAL_TRUST_FORWARDED_FOR must be 1 (behind a proxy that sets X-Forwarded-For) or 0")
        }
        let sdk = LiveKitSDKSettings(
            url: value("SCAIDIAL_LIVEKIT_SDK_URL") ?? LiveKitSDKSettings.defaultURL, integrity: value("SCAIDIAL_LIVEKIT_SDK_INTEGRITY"))
        if URL(string: sdk.url)?.scheme.map({ ["http", "https"].contains($0) }) != true && !sdk.url.hasPrefix("/") {
            problems.append("SCAIDIAL_LIVEKIT_SDK_URL must be an http(s) URL or a path on this server")
        }
        if let integrity = sdk.integrity, !["sha256-", "sha384-", "sha512-"].contains(where: { integrity.hasPrefix($0) }) {
            problems.append("SCAIDIAL_LIVEKIT_SDK_INTEGRITY must be a subresource-integrity hash such as sha384-…")
        }
        let storageURL = value("SCAIDIAL_STORAGE_URL") ?? "file://./recordings"
        let (s3Credentials, s3Problems) = S3Credentials.from(value, needed: storageURL.hasPrefix("s3://"))
        problems += s3Problems
        if case .failure(let error) = StorageLocation.parse(storageURL) { problems += error.problems }
        let stt = (url: value("SCAIDIAL_STT_URL"), model: value("SCAIDIAL_STT_MODEL"))
        if (stt.url == nil) != (stt.model == nil) {
            problems.append("SCAIDIAL_STT_URL and SCAIDIAL_STT_MODEL must be set together")
        }
        if let url = stt.url.flatMap(URL.init(string:)), url.user != nil {
            problems.append("SCAIDIAL_STT_URL must not carry credentials: set SCAIDIAL_STT_API_KEY")
        } else if let url = stt.url,
            URL(string: url)?.scheme.map({ ["http", "https"].contains($0) }) != true || URL(string: url)?.host == nil
        {
            problems.append("SCAIDIAL_STT_URL must be an http(s) URL")
        }
        let sttTimeout = number(
            "SCAIDIAL_STT_TIMEOUT_SECONDS", default: 60, in: 5...100,
            "SCAIDIAL_STT_TIMEOUT_SECONDS must be a whole number of seconds from 5 to 100")
        let sipContact = value("SCAIDIAL_SIP_CONTACT")
        if let contact = sipContact, !SIPURI.isValid(contact) {
            problems.append("SCAIDIAL_SIP_CONTACT must be a SIP URI such as sip:sip.example.com:5060;transport=udp")
        }
        guard problems.isEmpty, let port, let voicemailMax, let rejoinGrace, let sttTimeout else {
            throw ConfigurationError(problems: problems)
        }
        let key = try secretKey ?? SecretKeyFile.loadOrCreate(in: dataDirectory)
        var config = AppConfig(
            databaseURL: databaseURL,
            host: value("SCAIDIAL_HOST") ?? "127.0.0.1",
            port: port,
            publicURL: publicURL,
            secretKey: key,
            sipInboundSecret: value("SCAIDIAL_SIP_INBOUND_SECRET"),
            liveKit: liveKit,
            storageURL: storageURL,
            sttURL: stt.url,
            sttModel: stt.model,
            dataDirectory: dataDirectory
        )
        config.voicemailMaxMessage = .seconds(voicemailMax)
        config.rejoinGrace = .seconds(rejoinGrace)
        config.callerArrivalTimeout = .seconds(callerArrival ?? Int(CallMachine.Opening.callerArrivalTimeout))
        config.liveKitSDK = sdk
        config.s3Credentials = s3Credentials
        config.sttAPIKey = value("SCAIDIAL_STT_API_KEY")
        config.sttTimeout = .seconds(sttTimeout)
        config.sipContact = sipContact
        config.signInPerAddress = .init(burst: perAddress ?? 20, window: 300)
        config.signInPerAccount = .init(burst: perAccount ?? 10, window: 300)
        config.trustForwardedFor = trustForwarded == "1"
        config.sipAddresses.allowPrivate = allowPrivateSIP == "1"
        config.httpIdleTimeout = .seconds(idleTimeout ?? 75)
        return config
    }
}

extension S3Credentials {
    /// `SCAIDIAL_S3_ACCESS_KEY_ID` + `SCAIDIAL_S3_SECRET_ACCESS_KEY`, else (for an `s3://` storage)
    /// the AWS SDKs' own `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY`; a pair is complete or absent.
    /// `AWS_*` alone is ignored unless the storage needs it: other tools on the host may use it.
    static func from(_ value: (String) -> String?, needed: Bool) -> (S3Credentials?, [String]) {
        func pair(_ id: String, _ secret: String) -> (S3Credentials?, String?) {
            switch (value(id), value(secret)) {
            case (nil, nil): (nil, nil)
            case let (key?, secretKey?): (S3Credentials(accessKeyID: key, secretAccessKey: secretKey), nil)
            default: (nil, "\(id) and \(secret) must be set together")
            }
        }
        let (own, ownProblem) = pair("SCAIDIAL_S3_ACCESS_KEY_ID", "SCAIDIAL_S3_SECRET_ACCESS_KEY")
        if let ownProblem { return (nil, [ownProblem]) }
        guard own == nil, needed else { return (own, []) }
        let (aws, awsProblem) = pair("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")
        if let awsProblem { return (nil, [awsProblem]) }
        return aws.map { ($0, []) } ?? (nil, [missing])
    }
}

/// The generated secret key, kept in the data directory with owner-only permissions.
enum SecretKeyFile {
    static let fileName = "scaidial-secret.key"

    static func loadOrCreate(in directory: String) throws -> String {
        let path = (directory as NSString).appendingPathComponent(fileName)
        if FileManager.default.fileExists(atPath: path) {
            // Never replaced: a new key would make every sealed trunk password unreadable.
            guard let existing = try? String(contentsOfFile: path, encoding: .utf8),
                case let key = existing.trimmingCharacters(in: .whitespacesAndNewlines), key.count >= 32
            else {
                throw ConfigurationError(problems: [
                    "the secret key file \(path) is unreadable or shorter than 32 characters; restore it from a backup or set SCAIDIAL_SECRET_KEY (a new key would make the stored trunk passwords unreadable)"
                ])
            }
            return key
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var bytes = [UInt8](repeating: 0, count: 48)
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255) }
        let key = Data(bytes).base64EncodedString()
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((key + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError(problems: ["cannot write the generated secret key to \(path)"]) }
        return key
    }
}
