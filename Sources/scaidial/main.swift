import ArgumentParser
import Dialplan
import Foundation
import ScaiDial

@main
struct ScaiDialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scaidial",
        abstract: "ScaiDial: the line of a multi-tenant voice platform (trunks, numbers, dialplans, calls).",
        subcommands: [Serve.self, Migrate.self, CreateAdmin.self, LiveKitSIPConfigCommand.self, NumbersCommand.self, BenchSeed.self],
        defaultSubcommand: Serve.self)
}

/// Flags that override the environment (`SCAIDIAL_*`).
struct CommonOptions: ParsableArguments {
    @Option(help: "Database URL (env SCAIDIAL_DATABASE_URL; default sqlite://./scaidial.sqlite)")
    var databaseURL: String?

    func config() throws -> AppConfig {
        var env = ProcessInfo.processInfo.environment
        if let databaseURL { env["SCAIDIAL_DATABASE_URL"] = databaseURL }
        return try AppConfig.fromEnvironment(env)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations, then serve HTTP.")
    @OptionGroup var common: CommonOptions
    @Option(help: "Address to listen on (env SCAIDIAL_HOST; default 127.0.0.1)") var host: String?
    @Option(help: "Port to listen on (env SCAIDIAL_PORT; default 8080)") var port: Int?

    func validate() throws {
        if let port, !(1...65_535).contains(port) {
            throw ValidationError("--port must be a port number from 1 to 65535 (got \(port))")
        }
    }

    func run() async throws {
        // Before the configuration is read (it may create the secret key file) and the database
        // opened (its file created): a port in use is said plainly and leaves nothing behind.
        let env = ProcessInfo.processInfo.environment
        let listenHost = host ?? env["SCAIDIAL_HOST"].flatMap { $0.isEmpty ? nil : $0 } ?? "127.0.0.1"
        let listenPort = port ?? env["SCAIDIAL_PORT"].map { Int($0) ?? 0 } ?? 8080
        if (1...65_535).contains(listenPort) {
            try await Admin.checkListenAddress(host: listenHost, port: listenPort)
        }
        var config = try common.config()
        if let host { config.host = host }
        if let port { config.port = port }
        let app = try await buildApplication(config)
        try await app.runService()
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")
    @OptionGroup var common: CommonOptions

    func run() async throws {
        let applied = try await Admin.migrate(try common.config())
        print(applied.isEmpty ? "database is up to date" : "applied \(applied.count) migration(s): \(applied.joined(separator: ", "))")
    }
}

struct CreateAdmin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-admin", abstract: "Create a platform admin (applies pending migrations first).")
    @OptionGroup var common: CommonOptions
    @Option(help: "Email address to sign in with") var email: String
    @Option(help: "Password (at least 8 characters)") var password: String
    @Option(help: "Display name") var name: String?

    func run() async throws {
        let id = try await Admin.createPlatformAdmin(try common.config(), email: email, password: password, displayName: name)
        print("created platform admin \(email) (\(id))")
    }
}

struct BenchSeed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-seed",
        abstract: "Write synthetic calls and extensions in bulk, for benchmarks and capacity tests (applies pending migrations first).")
    @OptionGroup var common: CommonOptions
    @Option(help: "The tenant (id) to write calls to; with --extensions, the only tenant given extensions") var tenant: String?
    @Option(help: "Live inbound calls waiting for their caller, counted against the tenant's limit") var liveCalls = 0
    @Option(help: "Finished calls over the last 90 days") var historyCalls = 0
    @Option(help: "Extensions for every tenant (or --tenant)") var extensions = 0

    func validate() throws {
        if let tenant, UUID(uuidString: tenant) == nil { throw ValidationError("--tenant must be a tenant id") }
        if liveCalls < 0 || historyCalls < 0 || extensions < 0 { throw ValidationError("counts must not be negative") }
    }

    func run() async throws {
        var options = LoadSeed.Options()
        options.tenant = tenant.flatMap(UUID.init(uuidString:))
        options.liveCalls = liveCalls
        options.historyCalls = historyCalls
        options.extensionsPerTenant = extensions
        for line in try await LoadSeed.run(try common.config(), options) { print(line) }
    }
}

struct LiveKitSIPConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "livekit-sip-config",
        abstract: "Print a livekit-sip config.yaml for this deployment (needs LIVEKIT_URL, LIVEKIT_API_KEY, LIVEKIT_API_SECRET).")
    @Option(help: "The Redis livekit-server uses") var redisAddress = "127.0.0.1:6379"
    @Option(help: "SIP port livekit-sip listens on") var sipPort = 5060
    @Option(help: "RTP port range") var rtpPorts = "10000-20000"

    func run() async throws {
        var options = LiveKitSIPConfig.Options()
        options.redisAddress = redisAddress
        options.sipPort = sipPort
        options.rtpPorts = rtpPorts
        print(
            try LiveKitSIPConfig.render(try AppConfig.fromEnvironment(ProcessInfo.processInfo.environment), options: options),
            terminator: "")
    }
}

/// How ScaiDial reads phone numbers, for an operator checking what a written number becomes (and
/// for the libphonenumber comparison in `Tests/oracle/test_numbering.py`).
struct NumbersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "numbers",
        abstract: "Normalise phone numbers to E.164 and name their region, as ScaiDial stores and judges them.",
        discussion: """
            With numbers as arguments, each is read as written in --country. Without, every line of the
            standard input is COUNTRY<TAB>NUMBER (COUNTRY may be empty). Each answer is a line:
            OK<TAB>E164<TAB>REGION (REGION empty when no region can be told) or ERR<TAB>reason.
            """)
    @Option(help: "The ISO country the numbers are written in (a tenant's country)") var country: String?
    @Argument(help: "Numbers to read") var numbers: [String] = []

    func run() throws {
        if !numbers.isEmpty {
            for number in numbers { print(Self.answer(number, country: country)) }
            return
        }
        var out = ""
        while let line = readLine(strippingNewline: true) {
            let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
            let given = parts.count > 1 && !parts[0].isEmpty ? String(parts[0]) : nil
            out += Self.answer(parts.count > 1 ? String(parts[1]) : line, country: given) + "\n"
            if out.utf8.count > 1 << 16 {
                print(out, terminator: "")
                out = ""
            }
        }
        print(out, terminator: "")
    }

    static func answer(_ input: String, country: String?) -> String {
        do {
            let e164 = try E164.normalize(input, defaultCountry: country)
            return "OK\t\(e164)\t\(E164.region(of: e164) ?? "")"
        } catch {
            return "ERR\t\(error.message)"
        }
    }
}
