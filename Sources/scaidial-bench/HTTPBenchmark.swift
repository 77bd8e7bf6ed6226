import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization

/// Abuse figures (issue 14): the call path while sign-ins are flooded, and a 10,000-rule dialplan.
/// The call path itself is `CallPathBenchmark`.
struct HTTPBenchmark {
    let binary: String
    /// nil = a fresh SQLite file; else an empty PostgreSQL database.
    let database: String?
    let seconds: Double
    /// More of the server's environment (the abuse figures turn the sign-in limits off).
    var extraEnvironment: [String: String] = [:]
    static let secret = "bench-secret"

    /// The server, its admin, the bench tenant (`seed`), and a client; the server stops after `body`.
    func withServer(_ body: (HTTPClient, String) async throws -> Void) async throws {
        let server = try BenchServer(binary: binary, postgres: database, extra: extraEnvironment)
        let client = CallPathBenchmark.client()
        defer { _ = client.shutdown() }
        try await server.start(client)
        defer { server.stop() }
        try await seed(client, server.base)
        try await body(client, server.base)
    }

    struct Figures { let rate: Double; let p50: Double; let p99: Double }

    /// Issue 14 item 1: `/sip/inbound` p99 at 4 clients, quiet and while 50 connections post wrong
    /// passwords for unknown emails without pause; the sign-in limits as configured (`limits`
    /// names them). Then a tenant saving a 10,000-rule dialplan, and the first call that needs it.
    func abuse(limits: String) async throws {
        try await withServer { client, base in
            // Signed in before the flood: afterwards this address is (rightly) rate-limited.
            let token =
                try await call(client, base, "/v1/auth/login", ["email": "bench@example.com", "password": "bench-password"])["token"]
                as? String ?? ""
            let quiet = try await Self.load(client, clients: 4, seconds: seconds) { worker, _ in
                Self.inboundRequest(base, callID: "SCL_quiet_\(worker)_\(UUID().uuidString.prefix(8))")
            }
            let flooding = ManagedAtomicFlag()
            enum Part: Sendable {
                case signIns([UInt: Int])
                case calls(Figures)
            }
            let parts = try await withThrowingTaskGroup(of: Part.self) { group in
                for n in 0..<50 {
                    group.addTask {
                        var statuses: [UInt: Int] = [:]
                        while !flooding.isSet {
                            var r = HTTPClientRequest(url: "\(base)/v1/auth/login")
                            r.method = .POST
                            r.headers.add(name: "Content-Type", value: "application/json")
                            r.body = .bytes(ByteBuffer(string: #"{"email":"nobody\#(n)@example.com","password":"wrong-password"}"#))
                            let response = try await client.execute(r, timeout: .seconds(60))
                            _ = try await response.body.collect(upTo: 1 << 16)
                            statuses[response.status.code, default: 0] += 1
                        }
                        return .signIns(statuses)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(500))  // the flood is under way
                    defer { flooding.set() }
                    return .calls(
                        try await Self.load(client, clients: 4, seconds: seconds) { worker, _ in
                            Self.inboundRequest(base, callID: "SCL_flood_\(worker)_\(UUID().uuidString.prefix(8))")
                        })
                }
                return try await group.reduce(into: [Part]()) { $0.append($1) }
            }
            var flood = Figures(rate: 0, p50: 0, p99: 0)
            var statuses: [UInt: Int] = [:]
            for part in parts {
                switch part {
                case .calls(let figures): flood = figures
                case .signIns(let counts): statuses.merge(counts, uniquingKeysWith: +)
                }
            }
            print(
                String(
                    format:
                        "\nsign-in flood (\(limits)): /sip/inbound p50 %.2f ms p99 %.2f ms quiet; p50 %.2f ms p99 %.2f ms under 50 bad sign-ins; p99 ratio %.2f (target ≤ 2)",
                    quiet.p50, quiet.p99, flood.p50, flood.p99, flood.p99 / max(quiet.p99, 0.001)))
            print(
                "  sign-in answers during the flood: "
                    + statuses.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }.joined(separator: ", "))
            try await bigDialplan(client, base, token: token)
        }
    }

    /// A 10,000-rule dialplan saved in one request, and the first call that uses it (compiled then).
    private func bigDialplan(_ client: HTTPClient, _ base: String, token: String) async throws {
        let tenant = try await call(client, base, "/v1/tenants", ["name": "Big", "country": "NL"], token: token)["id"] as? String ?? ""
        let t = "/v1/tenants/\(tenant)"
        let trunk =
            try await call(client, base, "\(t)/trunks", ["name": "carrier", "address": "sip.big.example"], token: token)["id"] as? String
            ?? ""
        var rules: [[String: Any]] = (0..<9_999).map { i in
            ["priority": i, "conditions": ["callee": "_+3130\(String(format: "%07d", i))"], "action": ["type": "hangup"]]
        }
        rules.append(["priority": 100_000, "action": ["type": "forward", "target": "+31611112222"]])
        // The sign-in flood before this leaves a second of refused sign-ins to answer: let it pass,
        // then save three plans and report the median and the slowest.
        try await Task.sleep(for: .seconds(2))
        var saves: [Duration] = []
        var plan = ""
        for n in 0..<3 {
            let body = try JSONSerialization.data(withJSONObject: ["name": "big\(n)", "rules": rules])
            let t0 = ContinuousClock.now
            let answer = try await post(client, base, "\(t)/dialplans", body, token: token)
            saves.append(ContinuousClock.now - t0)
            plan = (try JSONSerialization.jsonObject(with: answer) as? [String: Any])?["id"] as? String ?? ""
        }
        saves.sort()
        _ = try await call(client, base, "\(t)/dids", ["number": "+31301234567", "trunk_id": trunk, "dialplan_id": plan], token: token)
        var first = Self.inboundRequest(base, callID: "SCL_big_first")
        first.body = .bytes(ByteBuffer(string: Self.inboundBody(callID: "SCL_big_first", to: "+31301234567")))
        let t1 = ContinuousClock.now
        let response = try await client.execute(first, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
        let firstCall = ContinuousClock.now - t1
        func ms(_ d: Duration) -> Double { Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15 }
        print(
            String(
                format:
                    "10,000-rule dialplan: saved in %.0f ms (median of 3, slowest %.0f ms; target < 1000 ms); the first call through it (compiling it) %.0f ms",
                ms(saves[1]), ms(saves[2]), ms(firstCall)))
    }

    /// `clients` workers send requests back to back for `seconds`; latencies in milliseconds.
    static func load(
        _ client: HTTPClient, clients: Int, seconds: Double, _ make: @escaping @Sendable (_ worker: Int, _ n: Int) -> HTTPClientRequest
    ) async throws -> Figures {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for worker in 0..<clients {
                group.addTask {
                    var mine: [Double] = []
                    while ContinuousClock.now < deadline {
                        let t0 = ContinuousClock.now
                        let response = try await client.execute(make(worker, mine.count), timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard (200..<300).contains(Int(response.status.code)) else {
                            throw BenchError(
                                "\(response.status) from the server: \(String(buffer: try await response.body.collect(upTo: 1 << 16)))")
                        }
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
        r.body = .bytes(ByteBuffer(string: inboundBody(callID: callID)))
        return r
    }

    static func inboundBody(callID: String, to: String = "+31201234567") -> String {
        #"{"sip_trunk_id":"ST_bench","call":{"lk_call_id":"\#(callID)","sip_call_id":"x@y","source_ip":"192.0.2.1","from":{"user":"+31612345678","host":"carrier"},"to":{"user":"\#(to)","host":"sip"}}}"#
    }

    /// A tenant whose number follows a 50-rule dialplan; the last rule forwards (which waits for the
    /// caller to be in the room, so only the decision and its writes are measured).
    private func seed(_ client: HTTPClient, _ base: String) async throws {
        let token =
            try await call(client, base, "/v1/auth/login", ["email": "bench@example.com", "password": "bench-password"])["token"] as? String
            ?? ""
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
        let data = try await post(client, base, path, try JSONSerialization.data(withJSONObject: body), token: token)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    /// One POST of a body already encoded, answering the body as received: what a timed request
    /// measures (Foundation's JSON on the client, slow on Linux, stays outside the timing).
    private func post(_ client: HTTPClient, _ base: String, _ path: String, _ body: Data, token: String?) async throws -> Data {
        var r = HTTPClientRequest(url: base + path)
        r.method = .POST
        r.headers.add(name: "Content-Type", value: "application/json")
        if let token { r.headers.add(name: "Authorization", value: "Bearer \(token)") }
        r.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(r, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 1 << 24)  // a 10,000-rule plan answers ~2 MB
        guard (200..<300).contains(Int(response.status.code)) else {
            throw BenchError("\(path): \(response.status) \(String(buffer: data))")
        }
        return Data(data.readableBytesView)
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// A flag set once, read by many tasks.
final class ManagedAtomicFlag: Sendable {
    private let value = Synchronization.Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}
