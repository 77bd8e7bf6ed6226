import Foundation
import SIPRegistration

/// Everything ScaiDial reads from its environment, read once at start-up into typed values.
///
/// Secrets (`secretKey`, `sipInboundSecret`, `liveKit.apiSecret`) are never printed: `description`
/// masks them, and nothing else in the code logs the configuration.
public struct AppConfig: Sendable, CustomStringConvertible {
    public var databaseURL: String
    public var host: String
    public var port: Int
    public var publicURL: String
    public var secretKey: String
    public var sipInboundSecret: String?
    public var liveKit: LiveKitSettings?
    /// `SCAIDIAL_STORAGE_URL`: `file://…` or `s3://…` (see `StorageLocation`).
    public var storageURL: String
    /// The key an `s3://` storage signs with (`SCAIDIAL_S3_*`, else `AWS_*`).
    public var s3Credentials: S3Credentials?
    /// The OpenAI-compatible transcription service (`SCAIDIAL_STT_URL`, `SCAIDIAL_STT_MODEL`); both or neither.
    public var sttURL: String?
    public var sttModel: String?
    /// Sent as `Authorization: Bearer …` when set (`SCAIDIAL_STT_API_KEY`).
    public var sttAPIKey: String?
    /// The longest one transcription request may take (`SCAIDIAL_STT_TIMEOUT_SECONDS`, at most 100 s:
    /// a job holds its lease for 120 s, and reading the recording comes first).
    public var sttTimeout: Duration = .seconds(60)
    public var dataDirectory: String
    /// Where `/my/dial` loads the LiveKit browser SDK from (`SCAIDIAL_LIVEKIT_SDK_URL`), and the
    /// subresource-integrity hash it must match (`SCAIDIAL_LIVEKIT_SDK_INTEGRITY`; empty = unchecked).
    public var liveKitSDK = LiveKitSDKSettings()
    /// bcrypt cost for password hashes; tests lower it to keep the suite fast.
    public var passwordHashCost: Int
    /// Consecutive failed logins after which an account is locked, and for how long.
    public var loginLockout: LoginLockoutPolicy
    /// Failed sign-ins allowed per client address and per account before 429 (`SignInLimiter`):
    /// `SCAIDIAL_SIGNIN_FAILURES_PER_ADDRESS` (default 20) and `…_PER_ACCOUNT` (default 10), each
    /// refilling over 5 minutes; 0 turns one off.
    var signInPerAddress = SignInLimiter.Limit(burst: 20, window: 300)
    var signInPerAccount = SignInLimiter.Limit(burst: 10, window: 300)
    /// `SCAIDIAL_TRUST_FORWARDED_FOR=1`: the client address is the last `X-Forwarded-For` entry
    /// (only behind a reverse proxy that sets it; otherwise any client could pick its address).
    public var trustForwardedFor = false
    /// Trunk addresses on private networks (`SCAIDIAL_ALLOW_PRIVATE_SIP=1` allows them); tests also
    /// give the name resolution.
    var sipAddresses = SIPAddressGuard()
    /// Where bcrypt and dialplan compilation run (their own threads; tests give pools they can block).
    var hashingPool: CPUWorkPool = .hashing
    var compilingPool: CPUWorkPool = .compiling
    /// Apply pending migrations when the application is built (`serve` does; tests do).
    public var migrateOnStart: Bool
    /// PostgreSQL schemas to use (tests give each test its own schema); nil = the server default.
    public var postgresSearchPath: [String]?
    /// PostgreSQL connections per event loop (SQLite always uses one connection).
    public var databasePoolSize: Int = 8
    /// Retry schedule of durable jobs (trunk sync …): 5 s doubling up to 5 min; tests shorten it.
    var retryBackoff = Backoff()
    /// The longest ScaiDial waits for one LiveKit API call (a dial that takes longer fails).
    public var liveKitTimeout: Duration = .seconds(10)
    /// How often the job worker looks for due jobs (it is also woken when work is queued).
    public var jobPollInterval: Duration = .seconds(1)
    /// Whether queued work wakes the job worker at once. Tests that run every job themselves, in
    /// order (`JobWorker.runDue`), turn it off.
    var jobWakeups = true
    /// How often live calls are checked against LiveKit, and how old a call must be to be checked.
    public var sweepInterval: Duration = .seconds(60)
    /// How often an open `/me/events` stream gets a keep-alive comment; a browser that went away
    /// is noticed (and is no longer online) at the next one.
    public var eventKeepAlive: Duration = .seconds(15)
    /// How long an HTTP connection may stay idle, or take to send its request head, before it is
    /// closed (`SCAIDIAL_HTTP_IDLE_TIMEOUT_S`, default 75 s: longer than the 60 s HTTP clients keep
    /// idle connections pooled, so a client never sends on a connection the server is closing).
    public var httpIdleTimeout: Duration = .seconds(75)
    /// A user's open `/me/events` streams per replica (tabs, phones); one more closes the oldest.
    public var maxEventStreamsPerUser = 10
    /// How long a connected call waits for a browser that left it (a reload, a network change) to
    /// come back before the call ends as that user's hang-up.
    public var rejoinGrace: Duration = .seconds(10)
    /// How long livekit-sip has to put a caller the hook door accepted into its room; a caller that
    /// never comes (it hung up meanwhile) ends the call `caller_gone`.
    public var callerArrivalTimeout: Duration = .seconds(CallMachine.Opening.callerArrivalTimeout)
    /// How long the far end of a click-to-call rings (livekit-sip's `ringing_timeout` of the dial).
    public var outboundRingingTimeout: Duration = .seconds(60)
    public var sweepGrace: TimeInterval = 300
    /// A `refer` forward asks LiveKit this often whether the caller is answered, for this long.
    public var referPollInterval: Duration = .milliseconds(500)
    public var referAnswerTimeout: Duration = .seconds(20)
    /// How long the target of a `refer` forward may ring before livekit-sip gives up on the REFER.
    public var referRingingTimeout: Duration = .seconds(30)
    /// The longest voicemail message (`SCAIDIAL_VOICEMAIL_MAX_SECONDS`); the caller is hung up then.
    public var voicemailMaxMessage: Duration = .seconds(120)
    /// How often recordings past their tenant's retention are removed.
    public var retentionInterval: Duration = .seconds(3600)
    /// livekit-sip's public SIP address, the Contact of REGISTER-mode trunks
    /// (`SCAIDIAL_SIP_CONTACT`, e.g. `sip:sip.example.com:5060;transport=udp`); nil: such trunks fail.
    public var sipContact: String?
    /// REGISTER-mode trunks: how often the registration service looks at the trunks (it is also
    /// woken by every trunk change), how long a replica's lease on a trunk lasts without renewal,
    /// the retry schedule after failures, and the SIP transaction timers (tests shorten them).
    public var registrationInterval: Duration = .seconds(5)
    public var registrationLease: TimeInterval = 30
    public var registrationRetry = RetryPolicy()
    public var registrationTimers = TransactionTimers()
    /// Wall-clock time for everything time-driven (ring timeouts, grace periods, jobs, the sweeper);
    /// tests give a `ManualClock` and move it themselves.
    public var clock: any AppClock = SystemClock()
    /// Tests only: runs after the call machine decided an event and before the decision is written,
    /// so a test can make another event win the race at exactly that point.
    var callRaceHook: (@Sendable (_ call: UUID, _ event: CallEvent) async -> Void)?

    public init(
        databaseURL: String = "sqlite://./scaidial.sqlite",
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: String = "http://127.0.0.1:8080",
        secretKey: String,
        sipInboundSecret: String? = nil,
        liveKit: LiveKitSettings? = nil,
        storageURL: String = "file://./recordings",
        sttURL: String? = nil,
        sttModel: String? = nil,
        dataDirectory: String = ".",
        passwordHashCost: Int = 12,
        loginLockout: LoginLockoutPolicy = .init(),
        migrateOnStart: Bool = true
    ) {
        self.databaseURL = databaseURL
        self.host = host
        self.port = port
        self.publicURL = publicURL
        self.secretKey = secretKey
        self.sipInboundSecret = sipInboundSecret
        self.liveKit = liveKit
        self.storageURL = storageURL
        self.sttURL = sttURL
        self.sttModel = sttModel
        self.dataDirectory = dataDirectory
        self.passwordHashCost = passwordHashCost
        self.loginLockout = loginLockout
        self.migrateOnStart = migrateOnStart
    }

    public var description: String {
        "database=\(DatabaseURL.redacted(databaseURL)) listen=\(host):\(port) public_url=\(publicURL) "
            + "livekit=\(liveKit.map { $0.url } ?? "not configured") storage=\(storageURL) "
            + "sip_inbound_secret=\(sipInboundSecret == nil ? "unset" : "set") sip_contact=\(sipContact ?? "unset") "
            + "transcription=\(sttURL == nil ? "off" : "on (\(sttModel ?? ""))")"
    }
}

/// An S3 access key. `description` never shows the secret.
public struct S3Credentials: Sendable, Equatable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: String
    public init(accessKeyID: String, secretAccessKey: String) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
    }
    public var description: String { "S3Credentials(\(accessKeyID), secret: ***)" }

    static let missing =
        "an s3:// SCAIDIAL_STORAGE_URL needs SCAIDIAL_S3_ACCESS_KEY_ID and SCAIDIAL_S3_SECRET_ACCESS_KEY (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
}

/// The LiveKit browser SDK (the UMD build, which defines `window.LivekitClient`) the softphone loads.
public struct LiveKitSDKSettings: Sendable, Equatable {
    /// A pinned version on a public CDN; self-hosters serve the same file themselves.
    public static let defaultURL = "https://cdn.jsdelivr.net/npm/livekit-client@2.23.0/dist/livekit-client.umd.js"
    public var url: String
    /// `sha384-…` (or sha256/sha512) of the file at `url`; nil loads it unchecked.
    public var integrity: String?
    public init(url: String = defaultURL, integrity: String? = nil) {
        self.url = url
        self.integrity = integrity
    }
}

/// The LiveKit server ScaiDial drives (the variable names every LiveKit SDK uses).
public struct LiveKitSettings: Sendable, Equatable {
    public var url: String
    public var apiKey: String
    public var apiSecret: String
    public init(url: String, apiKey: String, apiSecret: String) {
        self.url = url
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }
}

public struct LoginLockoutPolicy: Sendable, Equatable {
    public var maxFailures: Int
    public var lockSeconds: Int
    public init(maxFailures: Int = 5, lockSeconds: Int = 300) {
        self.maxFailures = maxFailures
        self.lockSeconds = lockSeconds
    }
}
