import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization

/// Issue 15: the call path as real traffic makes it, and the other spec §7 figures, in one run.
/// - `/sip/inbound` for three plans — ring a bot extension, ring a wave extension whose 10 users
///   are online (their event streams open and read by the benchmark), forward — against the same
///   server's `/healthz`, by the same generator, at 1, 16, 50 and 64 connections;
/// - the same at 50 connections with the tenant holding 0, 1,000 and 10,000 live calls before the
///   run (seeded in bulk; every benchmark call also stays live: callers are given an hour to
///   arrive, `SCAIDIAL_CALLER_ARRIVAL_S`, and ring timeouts are 300 s);
/// - click-to-call at 16 concurrent users (LiveKit played by `livekit-fake`);
/// - a filtered call-history page over 1,000,000 calls;
/// - resident memory with 1,000 tenants × 100 extensions and 10,000 live calls.
/// `short` (CI) runs every part at a small scale: it must work; its figures mean nothing.
struct CallPathBenchmark {
    let binary: String
    let postgres: String?
    let seconds: Double
    var short: Bool { seconds < 2 }
    var databaseName: String { postgres == nil ? "SQLite" : "PostgreSQL" }

    enum Plan: String, CaseIterable {
        case forward, bot, wave
        /// The called number whose dialplan ends in this plan's rule.
        var number: String {
            switch self {
            case .forward: "+31201234567"
            case .bot: "+31201234568"
            case .wave: "+31201234569"
            }
        }
    }

    /// What `seedWorld` made.
    struct World {
        let tenant: String
        let admin: String
        /// The wave extension's users' tokens (online during the runs).
        let users: [String]
        let waveExtension: String
        var base: String { "/v1/tenants/\(tenant)" }
    }

    static let environment = [
        // Benchmark callers never reach a room: an hour keeps their calls live, as real calls are.
        "SCAIDIAL_CALLER_ARRIVAL_S": "3600",
        "SCAIDIAL_SIGNIN_FAILURES_PER_ADDRESS": "0", "SCAIDIAL_SIGNIN_FAILURES_PER_ACCOUNT": "0",
    ]

    func run() async throws {
        let client = Self.client()
        defer { _ = client.shutdown() }
        let wrk =
            try WrkLoad.executable.map { try WrkLoad(wrk: $0, seconds: max(1, Int(seconds)), secret: HTTPBenchmark.secret) }
        guard let wrk else {
            print("\n(no wrk: the call-path figures by plan need it — apt-get install wrk)")
            return
        }
        for plan in Plan.allCases { try wrk.addInbound(plan.rawValue, numbers: [plan.number]) }
        let levels = short ? [0, 100, 1_000] : [0, 1_000, 10_000]
        print("\n/sip/inbound by plan against /healthz, \(databaseName), \(Int(max(1, seconds))) s per figure, load from wrk")
        var levelRows: [String] = []
        var last: (BenchServer, World)?
        for level in levels {
            let server = try BenchServer(binary: binary, postgres: postgres, extra: Self.environment)
            try await server.start(client)
            let world = try await seedWorld(client, server.base)
            if level > 0 {
                server.stop()
                try server.seed(["--tenant", world.tenant, "--live-calls", String(level)])
                try await server.start(client)
            }
            let streams = try await EventStreams.open(client, server.base, tokens: world.users)
            let health = try wrk.run(server.base, path: "/healthz", connections: 50)
            var row = String(format: "%8d | %9.0f", level, health.rate)
            var at50: [Plan: HTTPBenchmark.Figures] = [:]
            for plan in Plan.allCases {
                let f = try wrk.run(server.base, path: "/sip/inbound", connections: 50, script: plan.rawValue)
                at50[plan] = f
                row += String(format: " | %7.0f %6.2fms %.2f", f.rate, f.p99, f.rate / health.rate)
            }
            levelRows.append(row)
            if level == 0 {
                print("clients | plan    | /healthz req/s p50     p99     | /sip/inbound req/s p50     p99     | ratio (target ≥ 0.40)")
                for clients in [1, 16, 50, 64] {
                    let h = try wrk.run(server.base, path: "/healthz", connections: clients)
                    for plan in Plan.allCases {
                        // 50 connections were measured first, on the tenant with no live calls.
                        let f =
                            try clients == 50
                            ? at50[plan]! : wrk.run(server.base, path: "/sip/inbound", connections: clients, script: plan.rawValue)
                        print(
                            String(
                                format: "%7d | %@ | %12.0f  %6.2fms %6.2fms | %16.0f  %6.2fms %6.2fms | %.2f", clients,
                                plan.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0),
                                h.rate,
                                h.p50, h.p99, f.rate, f.p50, f.p99, f.rate / h.rate))
                    }
                }
            }
            let rings = streams.close()
            if level == levels.last {
                print("  the wave plan's \(world.users.count) users received \(rings) ring events on their open streams in the last run")
                last = (server, world)
            } else {
                server.stop()
            }
        }
        print("\nlive calls seeded before the runs (50 connections; each run's calls stay live too), \(databaseName):")
        print("live    | /healthz  | forward req/s p99 ratio   | bot req/s p99 ratio       | wave (10 online) req/s p99 ratio")
        for row in levelRows { print(row) }
        if let (server, world) = last { try await extras(client, server, world, wrk) }
    }

    /// Click-to-call, the history page and memory; on `server` (the tenant with the most live
    /// calls), or alone (`--part extras`) on a fresh one with 10,000 live calls seeded.
    func extras(
        _ given: HTTPClient? = nil, _ server: BenchServer? = nil, _ world: World? = nil, _ wrk: WrkLoad? = nil, historyOnly: Bool = false
    ) async throws {
        let client = given ?? Self.client()
        defer { if given == nil { _ = client.shutdown() } }
        guard let wrkPath = WrkLoad.executable else { throw BenchError("the benchmark needs wrk") }
        let wrk = try wrk ?? WrkLoad(wrk: wrkPath, seconds: max(1, Int(seconds)), secret: HTTPBenchmark.secret)
        var server = server, world = world
        if server == nil {
            let fresh = try BenchServer(binary: binary, postgres: postgres, extra: Self.environment)
            try await fresh.start(client)
            let made = try await seedWorld(client, fresh.base)
            fresh.stop()
            try fresh.seed(["--tenant", made.tenant, "--live-calls", short ? "1000" : "10000"])
            try await fresh.start(client)
            (server, world) = (fresh, made)
        }
        guard let server, let world else { return }
        try await history(client, server, world)
        if historyOnly {
            server.stop()
            return
        }
        try await memory(client, server, world, wrk)
        server.stop()
        // Last: on PostgreSQL its fresh server empties the database the others used.
        try await clickToCall(client)
    }

    /// `--profile PLAN`: the server under wrk (50 connections, `plan`'s number) while `perf record -g`
    /// samples it; prints the top entries by own time (`perf report --no-children`), demangled.
    /// This is how the README's profile tables were taken.
    func profile(_ plan: Plan) async throws {
        guard let wrkPath = WrkLoad.executable else { throw BenchError("--profile needs wrk") }
        let wrk = try WrkLoad(wrk: wrkPath, seconds: max(1, Int(seconds)), secret: HTTPBenchmark.secret)
        try wrk.addInbound(plan.rawValue, numbers: [plan.number])
        let client = Self.client()
        defer { _ = client.shutdown() }
        let server = try BenchServer(binary: binary, postgres: postgres, extra: Self.environment)
        try await server.start(client)
        defer { server.stop() }
        let world = try await seedWorld(client, server.base)
        let streams = try await EventStreams.open(client, server.base, tokens: world.users)
        _ = try wrk.run(server.base, path: "/sip/inbound", connections: 50, script: plan.rawValue)  // warm-up
        let data = server.work + "/perf.data"
        let perf = try Self.startPerf(pid: server.pid, data: data)
        let f = try wrk.run(server.base, path: "/sip/inbound", connections: 50, script: plan.rawValue)
        perf.interrupt()  // perf writes its data on SIGINT
        perf.waitUntilExit()
        _ = streams.close()
        print(
            String(
                format: "\nprofile of /sip/inbound (%@ plan, \(databaseName), 50 connections): %.0f req/s, p99 %.2f ms", plan.rawValue,
                f.rate, f.p99))
        try Self.report(data)
    }

    /// `perf record -g` on `pid` until interrupted (`interrupt()`, then `waitUntilExit()`), into `data`.
    static func startPerf(pid: Int32, data: String) throws -> Process {
        let perf = Process()
        // Started through python3, which unblocks the signals a child of this process inherits blocked
        // (Dispatch's threads block them): perf must see SIGINT to stop and write its data.
        perf.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        perf.arguments = [
            "python3", "-c",
            "import os, signal; signal.pthread_sigmask(signal.SIG_UNBLOCK, set(signal.Signals)); os.execvp('perf', ['perf', 'record', '-g', '-p', '\(pid)', '-o', '\(data)'])",
        ]
        perf.standardOutput = FileHandle.nullDevice
        perf.standardError = FileHandle.nullDevice
        try perf.run()
        return perf
    }

    /// perf's top entries: by library, by own time, then ScaiDial's functions, the ORM's and SQL's
    /// with what they call (`--children`).
    static func report(_ data: String) throws {
        let report = Process()
        report.executableURL = URL(fileURLWithPath: "/bin/sh")
        report.arguments = [
            "-c",
            """
            echo "by library:"; perf report -i '\(data)' --no-children --sort dso -g none --percent-limit 1 2>/dev/null \
              | grep -v '^#' | grep -v '^$' | head -12
            echo "own time:"; perf report -i '\(data)' --no-children --sort symbol -g none --percent-limit 1 2>/dev/null \
              | swift demangle --simplified | grep -v '^#' | grep -v '^$' | cut -c1-150 | head -20
            echo "with callees (ScaiDial's functions, the ORM, SQL):"; perf report -i '\(data)' --children --sort symbol -g none \
              2>/dev/null | swift demangle --simplified | grep -v '^#' \
              | grep -E 'ScaiDial|Fields\\.|Model|FluentKit|SQLKit|SQLStatement|SQLiteConnection|JobQueue' | cut -c1-200 | head -45
            """,
        ]
        try report.run()
        report.waitUntilExit()
    }

    /// The benchmark tenant: one number per plan, each plan 49 rules that do not match before its
    /// last; a bot extension; a wave extension with 10 users (the `users` tokens).
    func seedWorld(_ client: HTTPClient, _ base: String, users: Int? = nil) async throws -> World {
        // Short mode (CI, a debug build): every password is a bcrypt hash; two users do.
        let count = users ?? (short ? 2 : 10)
        let root = BenchAPI(client: client, base: base, token: nil)
        let token =
            try await root.post("/v1/auth/login", ["email": "bench@example.com", "password": "bench-password"])["token"] as? String ?? ""
        let api = BenchAPI(client: client, base: base, token: token)
        let tenant = try await api.id(
            "/v1/tenants",
            ["name": "Bench", "country": "NL", "policy": ["max_concurrent_calls": 100_000, "max_calls_per_user_per_hour": 10_000]])
        let t = "/v1/tenants/\(tenant)"
        let trunk = try await api.id("\(t)/trunks", ["name": "carrier", "address": "sip.carrier.example"])
        let bot = try await api.id(
            "\(t)/extensions", ["number": "200", "name": "Agent", "type": "bot", "target_ref": "bench-agent", "ring_timeout_s": 300])
        let wave = try await api.id("\(t)/extensions", ["number": "100", "name": "Sales", "ring_timeout_s": 300])
        var tokens: [String] = []
        for n in 0..<count {
            let email = "user\(n)@bench.example"
            let user = try await api.id("\(t)/users", ["email": email, "password": "bench-password", "role": "user"])
            _ = try await api.post("\(t)/extensions/\(wave)/grants", ["user_id": user])
            tokens.append(try await root.post("/v1/auth/login", ["email": email, "password": "bench-password"])["token"] as? String ?? "")
        }
        for plan in Plan.allCases {
            var rules: [[String: Any]] = (0..<49).map { i in
                ["priority": i, "conditions": ["callee": "_+3120999\(String(format: "%04d", i))"], "action": ["type": "hangup"]]
            }
            let action: [String: Any] =
                switch plan {
                case .forward: ["type": "forward", "target": "+31611112222"]
                case .bot: ["type": "ring_extension", "extension_id": bot]
                case .wave: ["type": "ring_extension", "extension_id": wave]
                }
            rules.append(["priority": 1000, "action": action])
            let dialplan = try await api.id("\(t)/dialplans", ["name": plan.rawValue, "rules": rules])
            _ = try await api.id("\(t)/dids", ["number": plan.number, "trunk_id": trunk, "dialplan_id": dialplan])
        }
        return World(tenant: tenant, admin: token, users: tokens, waveExtension: wave)
    }

    /// `POST /me/click-to-call` answered, 16 users placing calls back to back; LiveKit is
    /// `livekit-fake` (the dial itself runs in the background and is not timed).
    func clickToCall(_ given: HTTPClient? = nil, users: Int? = nil, profile: Bool = false) async throws {
        let client = given ?? Self.client()
        defer { if given == nil { _ = client.shutdown() } }
        let fakeBinary = URL(fileURLWithPath: binary).deletingLastPathComponent().appendingPathComponent("livekit-fake").path
        guard FileManager.default.isExecutableFile(atPath: fakeBinary) else {
            print("\nclick-to-call: skipped (no livekit-fake beside \(binary); swift build --product livekit-fake)")
            return
        }
        let fake = try FakeProcess(binary: fakeBinary)
        defer { fake.stop() }
        var env = Self.environment
        env["LIVEKIT_URL"] = fake.url
        env["LIVEKIT_API_KEY"] = FakeProcess.key
        env["LIVEKIT_API_SECRET"] = FakeProcess.secret
        let server = try BenchServer(binary: binary, postgres: postgres, extra: env)
        try await server.start(client)
        defer { server.stop() }
        let users = users ?? (short ? 4 : 16)
        let world = try await seedWorld(client, server.base, users: users)
        // The trunk reaches LiveKit first (its sync job), as click-to-call needs.
        let admin = BenchAPI(client: client, base: server.base, token: world.admin)
        for _ in 0..<200 {
            let trunks = try await admin.get("\(world.base)/trunks")["items"] as? [[String: Any]] ?? []
            if (trunks.first?["sync"] as? [String: Any])?["state"] as? String == "synced" { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        @Sendable func click(_ worker: Int, _ n: Int) -> HTTPClientRequest {
            var r = HTTPClientRequest(url: "\(server.base)/me/click-to-call")
            r.method = .POST
            r.headers.add(name: "Content-Type", value: "application/json")
            r.headers.add(name: "Authorization", value: "Bearer \(world.users[worker])")
            let body =
                #"{"extension_id":"\#(world.waveExtension)","destination":"+3161\#(String(format: "%02d%05d", worker, n % 100_000))"}"#
            r.body = .bytes(ByteBuffer(string: body))
            return r
        }
        // What one click costs on an idle server (each after the last one's dial has settled), and
        // the cheapest signed-in request beside it.
        let me = try await HTTPBenchmark.load(client, clients: 1, seconds: 1) { _, _ in
            Self.get("\(server.base)/me", token: world.users[0])
        }
        var alone: [Double] = []
        for n in 0..<(short ? 10 : 40) {
            let t0 = ContinuousClock.now
            let response = try await client.execute(click(0, 90_000 + n), timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 20)
            alone.append(Double((ContinuousClock.now - t0).components.attoseconds) / 1e15)
            try await Task.sleep(for: .milliseconds(100))
        }
        alone.sort()
        let data = server.work + "/perf.data"
        let perf = profile ? try Self.startPerf(pid: server.pid, data: data) : nil
        let figures = try await HTTPBenchmark.load(client, clients: users, seconds: seconds, click)
        perf?.interrupt()
        perf?.waitUntilExit()
        print(
            String(
                format:
                    "\nclick-to-call, \(databaseName), \(users) users at once: %.0f calls/s, answer p50 %.2f ms, p99 %.2f ms (target p99 < 10 ms); one click alone p50 %.2f ms (GET /me p50 %.2f ms)",
                figures.rate, figures.p50, figures.p99, alone[alone.count / 2], me.p50))
        if profile { try Self.report(data) }
    }

    /// A filtered history page (`state=ended`, the last 30 days, 50 per page) over a million calls.
    func history(_ client: HTTPClient, _ server: BenchServer, _ world: World) async throws {
        let count = short ? 20_000 : 1_000_000
        server.stop()
        let t0 = ContinuousClock.now
        try server.seed(["--tenant", world.tenant, "--history-calls", String(count)])
        let seeded = ContinuousClock.now - t0
        try await server.start(client)
        let from = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-30 * 86_400))
        let admin = BenchAPI(client: client, base: server.base, token: world.admin)
        // A cursor a few pages in: the keyset continues from it.
        var cursor = ""
        for _ in 0..<5 {
            let page = try await admin.get(
                "\(world.base)/calls?state=ended&from=\(from)&limit=50\(cursor.isEmpty ? "" : "&cursor=\(cursor)")")
            cursor = page["next_cursor"] as? String ?? ""
        }
        let first = try await HTTPBenchmark.load(client, clients: 1, seconds: seconds) { _, _ in
            Self.get("\(server.base)\(world.base)/calls?state=ended&from=\(from)&limit=50", token: world.admin)
        }
        let deep = cursor
        let later = try await HTTPBenchmark.load(client, clients: 1, seconds: seconds) { _, _ in
            Self.get("\(server.base)\(world.base)/calls?state=ended&from=\(from)&limit=50&cursor=\(deep)", token: world.admin)
        }
        print(
            String(
                format:
                    "\ncall history over %d calls (+ the runs' live ones), \(databaseName), seeded in %.0f s: first page p50 %.2f ms p99 %.2f ms; a page by cursor p50 %.2f ms p99 %.2f ms (target < 20 ms)",
                count, Double(seeded.components.seconds), first.p50, first.p99, later.p50, later.p99))
    }

    /// Resident memory with 1,000 tenants (each a trunk, a plan, a number and 100 extensions) and
    /// 10,000 live calls, after calls to every tenant's number (each plan compiled and cached).
    func memory(_ client: HTTPClient, _ server: BenchServer, _ world: World, _ wrk: WrkLoad) async throws {
        let tenants = short ? 50 : 1_000
        let extensions = short ? 10 : 100
        let admin = BenchAPI(client: client, base: server.base, token: world.admin)
        let token =
            try await BenchAPI(client: client, base: server.base, token: nil).post(
                "/v1/auth/login", ["email": "bench@example.com", "password": "bench-password"])["token"] as? String ?? ""
        let root = BenchAPI(client: client, base: server.base, token: token)
        _ = admin
        var numbers: [String] = []
        try await withThrowingTaskGroup(of: String.self) { group in
            for n in 1..<tenants {
                if n >= 16 { numbers.append(try await group.next() ?? "") }
                group.addTask {
                    let tenant = try await root.id("/v1/tenants", ["name": "Tenant \(n)", "country": "NL"])
                    let t = "/v1/tenants/\(tenant)"
                    let trunk = try await root.id("\(t)/trunks", ["name": "carrier", "address": "sip.t\(n).example"])
                    let plan = try await root.id(
                        "\(t)/dialplans",
                        ["name": "main", "rules": [["priority": 1, "action": ["type": "forward", "target": "+31611112222"]]]])
                    let number = "+3130\(String(format: "%07d", n))"
                    _ = try await root.id("\(t)/dids", ["number": number, "trunk_id": trunk, "dialplan_id": plan])
                    return number
                }
            }
            for try await number in group { numbers.append(number) }
        }
        server.stop()
        try server.seed(["--extensions", String(extensions)])
        try await server.start(client)
        try wrk.addInbound("all", numbers: numbers + Plan.allCases.map(\.number))
        let idle = server.memory()
        let f = try wrk.run(server.base, path: "/sip/inbound", connections: 16, script: "all")
        let busy = server.memory()
        print(
            String(
                format:
                    "\nmemory, \(databaseName): %d tenants × %d extensions, ≥ \(short ? "1,000" : "10,000") live calls: %.0f MB resident after start, %.0f MB after %.0f calls/s to every tenant's number (peak %.0f MB; target < 300 MB)",
                tenants, extensions, idle.rss, busy.rss, f.rate, busy.peak))
    }

    /// Up to 64 connections to the server: the users' event streams hold some for the whole run.
    static func client() -> HTTPClient {
        HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
    }

    static func get(_ url: String, token: String) -> HTTPClientRequest {
        var r = HTTPClientRequest(url: url)
        r.headers.add(name: "Authorization", value: "Bearer \(token)")
        return r
    }
}

/// JSON requests for seeding (not timed).
struct BenchAPI: Sendable {
    let client: HTTPClient
    let base: String
    let token: String?

    func post(_ path: String, _ body: [String: Any]) async throws -> [String: Any] {
        try await send(.POST, path, try JSONSerialization.data(withJSONObject: body))
    }

    func get(_ path: String) async throws -> [String: Any] { try await send(.GET, path, nil) }

    func id(_ path: String, _ body: [String: Any]) async throws -> String {
        guard let id = try await post(path, body)["id"] as? String else { throw BenchError("\(path): no id in the answer") }
        return id
    }

    private func send(_ method: HTTPMethod, _ path: String, _ body: Data?) async throws -> [String: Any] {
        var r = HTTPClientRequest(url: base + path)
        r.method = method
        r.headers.add(name: "Content-Type", value: "application/json")
        if let token { r.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body { r.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(r, timeout: .seconds(120))
        let data = try await response.body.collect(upTo: 1 << 24)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw BenchError("\(path): \(response.status) \(String(buffer: data))")
        }
        return (try? JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]) ?? [:]
    }
}

/// Users online: their `/me/events` streams open and read until closed; counts `ring` events.
final class EventStreams: Sendable {
    private let tasks: Mutex<[Task<Void, Never>]> = Mutex([])
    private let rings = Atomic<Int>(0)

    static func open(_ client: HTTPClient, _ base: String, tokens: [String]) async throws -> EventStreams {
        let streams = EventStreams()
        for token in tokens {
            var r = HTTPClientRequest(url: "\(base)/me/events")
            r.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await client.execute(r, timeout: .hours(2))
            guard response.status == .ok else { throw BenchError("/me/events: \(response.status)") }
            let task = Task {
                do {
                    for try await chunk in response.body {
                        let text = String(buffer: chunk)
                        var count = 0
                        var rest = Substring(text)
                        while let range = rest.range(of: "event: ring\n") {
                            count += 1
                            rest = rest[range.upperBound...]
                        }
                        if count > 0 { streams.rings.add(count, ordering: .relaxed) }
                    }
                } catch {}
            }
            streams.tasks.withLock { $0.append(task) }
        }
        return streams
    }

    /// Closes every stream; answers the ring events they received.
    func close() -> Int {
        tasks.withLock { tasks in
            for task in tasks { task.cancel() }
            tasks.removeAll()
        }
        return rings.load(ordering: .relaxed)
    }
}

/// `livekit-fake` as a process (its stdin kept open: it stops when stdin ends).
final class FakeProcess: @unchecked Sendable {
    static let key = "APIbench"
    static let secret = "bench-livekit-secret-0123456789abcdefghijklmnop"
    let url: String
    private let process = Process()
    private let input = Pipe()

    init(binary: String) throws {
        process.executableURL = URL(fileURLWithPath: binary)
        var env = ProcessInfo.processInfo.environment
        env["LIVEKIT_API_KEY"] = Self.key
        env["LIVEKIT_API_SECRET"] = Self.secret
        process.environment = env
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = input
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        let text = String(decoding: line, as: UTF8.self)
        guard text.hasPrefix("LIVEKIT_URL=") else { throw BenchError("livekit-fake said: \(text)") }
        url = String(text.dropFirst("LIVEKIT_URL=".count))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
