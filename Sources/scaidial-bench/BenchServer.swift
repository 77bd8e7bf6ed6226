import AsyncHTTPClient
import Foundation
import NIOCore

/// One `scaidial serve` for the benchmark, on its own database, that can be stopped and started
/// again on the same data (bulk seeding with `scaidial bench-seed` happens while it is stopped).
final class BenchServer: @unchecked Sendable {
    let binary: String
    let env: [String: String]
    let base: String
    let work: String
    private var process: Process?
    var pid: Int32 { process?.processIdentifier ?? 0 }

    /// A fresh database: a new SQLite file, or `postgres` emptied first (its `public` schema is
    /// dropped and made again with `psql`: give the benchmark a database of its own).
    init(binary: String, postgres: String?, extra: [String: String] = [:]) throws {
        self.binary = binary
        work = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-bench-\(UUID())").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let port = 18_000 + Int.random(in: 0..<2000)
        var env = ProcessInfo.processInfo.environment.merging(extra) { $1 }
        env["SCAIDIAL_DATABASE_URL"] = postgres ?? "sqlite://\(work)/bench.sqlite"
        env["SCAIDIAL_DATA_DIR"] = work
        env["SCAIDIAL_PORT"] = String(port)
        env["SCAIDIAL_SIP_INBOUND_SECRET"] = HTTPBenchmark.secret
        // PostgreSQL (several replicas) needs one shared key; the bench brings its own.
        env["SCAIDIAL_SECRET_KEY"] = env["SCAIDIAL_SECRET_KEY"] ?? "bench-secret-key-bench-secret-key-0123456789"
        self.env = env
        base = "http://127.0.0.1:\(port)"
        if let postgres {
            // psql reads libpq URLs: without PostgresNIO's own `?tlsmode=…`.
            let url = String(postgres.prefix { $0 != "?" })
            try Self.run(["/usr/bin/env", "psql", url, "-qc", "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public"], env: env)
        }
        try Self.run([binary, "create-admin", "--email", "bench@example.com", "--password", "bench-password"], env: env)
    }

    func start(_ client: HTTPClient) async throws {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: binary)
        server.arguments = ["serve"]
        server.environment = env
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        process = server
        for _ in 0..<400 {
            if let r = try? await client.execute(HTTPClientRequest(url: "\(base)/readyz"), timeout: .seconds(1)), r.status == .ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw BenchError("the server did not become ready")
    }

    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    /// `scaidial bench-seed …` on this server's database (stop the server first on SQLite).
    func seed(_ arguments: [String]) throws {
        try Self.run([binary, "bench-seed"] + arguments, env: env)
    }

    /// Resident and peak resident memory of the server process, in MB (Linux `/proc`).
    func memory() -> (rss: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return (0, 0) }
        func kb(_ key: String) -> Double {
            status.split(separator: "\n").first { $0.hasPrefix(key + ":") }
                .flatMap { Double($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        }
        return (kb("VmRSS") / 1024, kb("VmHWM") / 1024)
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(atPath: work)
    }

    static func run(_ command: [String], env: [String: String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: command[0])
        p.arguments = Array(command.dropFirst())
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        p.standardError = errors
        try p.run()
        let said = errors.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw BenchError("\(command.prefix(2).joined(separator: " ")) failed: \(String(decoding: said, as: UTF8.self))")
        }
    }
}
