import FluentKit
import Foundation
import Logging
import SQLKit

@testable import ScaiDial

/// Each test gets a database of its own: a fresh SQLite file, or — when
/// `SCAIDIAL_TEST_DATABASE_URL` names a PostgreSQL server — a fresh schema on it.
struct TestDatabase {
    let url: String
    let searchPath: [String]?
    private let cleanup: @Sendable () async throws -> Void

    static var postgresURL: String? {
        ProcessInfo.processInfo.environment["SCAIDIAL_TEST_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var kindName: String { postgresURL == nil ? "SQLite" : "PostgreSQL" }

    static func make() async throws -> TestDatabase {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        if let pg = postgresURL {
            try await admin(pg) { try await $0.raw("CREATE SCHEMA \(unsafeRaw: String(name))").run() }
            return TestDatabase(url: pg, searchPath: [String(name)]) {
                try await admin(pg) { try await $0.raw("DROP SCHEMA \(unsafeRaw: String(name)) CASCADE").run() }
            }
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-tests", isDirectory: true)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("\(name).sqlite").path
        return TestDatabase(url: "sqlite://\(path)", searchPath: nil) {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        }
    }

    private static func admin(_ url: String, _ body: (any SQLDatabase) async throws -> Void) async throws {
        let p = try Persistence(url: .postgres(url: url), logger: Logger(label: "test-admin"), poolSize: 1)
        do { try await body(p.db as! any SQLDatabase) } catch { await p.shutdown(); throw error }
        await p.shutdown()
    }

    func config() -> AppConfig {
        var config = AppConfig(
            databaseURL: url, secretKey: "test-secret-key-test-secret-key-0123456789",
            passwordHashCost: 4, loginLockout: .init(maxFailures: 3, lockSeconds: 60))
        config.postgresSearchPath = searchPath
        config.databasePoolSize = 1
        // The whole suite signs in from one process at once: a hashing pool whose queue never fills
        // (the production pool's bound is tested with a pool of its own).
        config.hashingPool = Self.hashing
        // The test clients of live servers keep one connection and never reconnect; on a loaded
        // run a test can pause longer than the production idle timeout (its own test sets a short one).
        config.httpIdleTimeout = .seconds(3600)
        // Hook-door calls whose caller never joins end after this; on a loaded machine a test on the
        // system clock can take longer than the real 15 s. The tests of those ghost calls set it.
        config.callerArrivalTimeout = .seconds(600)
        // The background sweeper runs on wall time: in a loaded suite its first pass (60 s) could land
        // in the middle of a test and queue a second DeleteRoom for a call the test had just ended
        // (RingingTests failed so in CI). Tests call `sweep()` themselves; those about the background
        // pass set a short interval.
        config.sweepInterval = .seconds(3600)
        // Recordings and greetings of this test only, never in the package directory.
        config.storageURL =
            "file://" + FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-tests/storage-\(UUID().uuidString)").path
        return config
    }

    func drop() async throws { try await cleanup() }

    static let hashing = CPUWorkPool(name: "test hashing", threads: 2, limit: 100_000)
}
