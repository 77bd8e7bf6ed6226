import AsyncHTTPClient
import Foundation
import NIOCore

/// The call-setup path under load: `/sip/inbound` decisions (DID lookup, dialplan, call + leg
/// written) against the same server's trivial `/healthz`, at 1, 16 and 64 concurrent clients.
struct HTTPBenchmark {
    let binary: String
    /// nil = a fresh SQLite file; else an empty PostgreSQL database.
    let database: String?
    let seconds: Double
    static let secret = "bench-secret"

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let port = 18_000 + Int.random(in: 0..<2000)
        var env = ProcessInfo.processInfo.environment
        env["SCAIDIAL_DATABASE_URL"] = database ?? "sqlite://\(work)/bench.sqlite"
        env["SCAIDIAL_DATA_DIR"] = work
        env["SCAIDIAL_PORT"] = String(port)
        env["SCAIDIAL_SIP_INBOUND_SECRET"] = Self.secret
        // PostgreSQL (several replicas) needs one shared key; the bench brings its own.
        env["SCAIDIAL_SECRET_KEY"] = env["SCAIDIAL_SECRET_KEY"] ?? "bench-secret-key-bench-secret-key-0123456789"
        try runToEnd([binary, "create-admin", "--email", "bench@example.com", "--password", "bench-password"], env: env)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve"]
        server.environment = env
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let base = "http://127.0.0.1:\(port)"
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                // One connection per client: AsyncHTTPClient's default of 8 per host would queue the
                // other clients inside the load generator, and the server would never see 64 at once.
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
        defer { _ = client.shutdown() }
        try await waitReady(client, base)
        try await seed(client, base)

        print("\n/sip/inbound against /healthz, \(database == nil ? "SQLite" : "PostgreSQL"), \(Int(seconds)) s per figure")
        print("clients | /healthz req/s  p50     p99     | /sip/inbound req/s  p50     p99     | ratio (target ≥ 0.40) | calls per batch")
        for clients in [1, 16, 64] {
            let health = try await load(client, clients: clients) { _ in
                var r = HTTPClientRequest(url: "\(base)/healthz")
                r.method = .GET
                return r
            }
            let before = try await batchCounters(client, base)
            let inbound = try await load(client, clients: clients) { worker in
                Self.inboundRequest(base, callID: "SCL_bench_\(clients)_\(worker)_\(UUID().uuidString.prefix(8))")
            }
            let after = try await batchCounters(client, base)
            let perBatch = (after.calls - before.calls) / max(1, after.batches - before.batches)
            print(
                String(
                    format: "%7d | %12.0f  %6.2fms %6.2fms | %16.0f  %6.2fms %6.2fms | %.2f                  | %.1f",
                    clients, health.rate, health.p50, health.p99, inbound.rate, inbound.p50, inbound.p99, inbound.rate / health.rate,
                    perBatch))
        }
    }

    struct Figures { let rate: Double; let p50: Double; let p99: Double }

    /// The server's group-commit counters from `/metrics`: batches written and calls in them.
    private func batchCounters(_ client: HTTPClient, _ base: String) async throws -> (batches: Double, calls: Double) {
        let response = try await client.execute(HTTPClientRequest(url: "\(base)/metrics"), timeout: .seconds(10))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        func value(_ name: String) -> Double {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") || $0.hasPrefix(name + "{") }.flatMap {
                Double($0.split(separator: " ").last ?? "")
            } ?? 0
        }
        return (value("scaidial_inbound_batches_total"), value("scaidial_inbound_batched_calls_total"))
    }

    /// `clients` workers send requests back to back for `seconds`; latencies in milliseconds.
    private func load(_ client: HTTPClient, clients: Int, _ make: @escaping @Sendable (Int) -> HTTPClientRequest) async throws -> Figures {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var mine: [Double] = []
                    while ContinuousClock.now < deadline {
                        let t0 = ContinuousClock.now
                        let response = try await client.execute(make(worker), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .ok else { throw BenchError("\(response.status) from the server") }
                        let d = ContinuousClock.now - t0
                        mine.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
                    }
                    return mine
                }
            }
            return try await group.reduce(into: [Double]()) { $0 += $1 }.sorted()
        }
        let elapsed = ContinuousClock.now - started
        let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        func pct(_ p: Double) -> Double { latencies.isEmpty ? 0 : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        return Figures(rate: Double(latencies.count) / secs, p50: pct(0.5), p99: pct(0.99))
    }

    static func inboundRequest(_ base: String, callID: String) -> HTTPClientRequest {
        var r = HTTPClientRequest(url: "\(base)/sip/inbound")
        r.method = .POST
        r.headers.add(name: "Authorization", value: "Bearer \(secret)")
        r.headers.add(name: "Content-Type", value: "application/json")
        let body =
            #"{"sip_trunk_id":"ST_bench","call":{"lk_call_id":"\#(callID)","sip_call_id":"x@y","source_ip":"192.0.2.1","from":{"user":"+31612345678","host":"carrier"},"to":{"user":"+31201234567","host":"sip"}}}"#
        r.body = .bytes(ByteBuffer(string: body))
        return r
    }

    /// A tenant whose number follows a 50-rule dialplan; the last rule forwards (which waits for the
    /// caller to be in the room, so only the decision and its writes are measured).
    private func seed(_ client: HTTPClient, _ base: String) async throws {
        let token =
            try await call(client, base, "/v1/auth/login", ["email": "bench@example.com", "password": "bench-password"])["token"] as! String
        func post(_ path: String, _ body: [String: Any]) async throws -> String {
            try await call(client, base, path, body, token: token)["id"] as? String ?? ""
        }
        let tenant = try await post("/v1/tenants", ["name": "Bench", "country": "NL", "policy": ["max_concurrent_calls": 100_000]])
        let t = "/v1/tenants/\(tenant)"
        let trunk = try await post("\(t)/trunks", ["name": "carrier", "address": "sip.carrier.example"])
        var rules: [[String: Any]] = (0..<49).map { i in
            ["priority": i, "conditions": ["callee": "_+3120999\(String(format: "%04d", i))"], "action": ["type": "hangup"]]
        }
        rules.append(["priority": 1000, "action": ["type": "forward", "target": "+31611112222"]])
        let plan = try await post("\(t)/dialplans", ["name": "main", "rules": rules])
        _ = try await post("\(t)/dids", ["number": "+31201234567", "trunk_id": trunk, "dialplan_id": plan])
    }

    private func call(
        _ client: HTTPClient, _ base: String, _ path: String, _ body: [String: Any], token: String? = nil
    ) async throws -> [String: Any] {
        var r = HTTPClientRequest(url: base + path)
        r.method = .POST
        r.headers.add(name: "Content-Type", value: "application/json")
        if let token { r.headers.add(name: "Authorization", value: "Bearer \(token)") }
        r.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await client.execute(r, timeout: .seconds(30))
        let data = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw BenchError("\(path): \(response.status) \(String(buffer: data))")
        }
        return (try JSONSerialization.jsonObject(with: Data(data.readableBytesView)) as? [String: Any]) ?? [:]
    }

    private func waitReady(_ client: HTTPClient, _ base: String) async throws {
        for _ in 0..<200 {
            if let r = try? await client.execute(HTTPClientRequest(url: "\(base)/readyz"), timeout: .seconds(1)), r.status == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("the server did not become ready")
    }

    private func runToEnd(_ command: [String], env: [String: String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { throw BenchError("\(command.joined(separator: " ")) failed") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
