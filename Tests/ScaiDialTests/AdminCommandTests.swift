import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import Testing

@testable import ScaiDial

@Suite("Command-line operations and migrations")
struct AdminCommandTests {
    @Test("migrate applies every migration once; create-admin refuses duplicates and bad input")
    func migrateAndCreateAdmin() async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        let applied = try await Admin.migrate(config)
        #expect(applied.count == Migrations.all.count)
        #expect(try await Admin.migrate(config).isEmpty)
        _ = try await Admin.createPlatformAdmin(config, email: "Ops@Example.com", password: "long-enough", displayName: nil)
        await #expect(throws: Admin.Failure.self) {
            try await Admin.createPlatformAdmin(config, email: "ops@example.com", password: "long-enough", displayName: nil)
        }
        await #expect(throws: Admin.Failure.self) {
            try await Admin.createPlatformAdmin(config, email: "x@example.com", password: "short", displayName: nil)
        }
        await #expect(throws: Admin.Failure.self) {
            try await Admin.createPlatformAdmin(config, email: "not an email", password: "long-enough", displayName: nil)
        }
        try await database.drop()
    }

    @Test("every migration reverts cleanly and applies again")
    func revertAndReapply() async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        let p = try Persistence(
            url: DatabaseURL.parse(config.databaseURL)!, logger: Logger(label: "t"),
            postgresSearchPath: config.postgresSearchPath, poolSize: 1)
        try await p.migrate()
        try await p.revertAll()
        #expect(try await p.pendingMigrations().count == Migrations.all.count)
        try await p.migrate()
        #expect(try await p.pendingMigrations().isEmpty)
        await p.shutdown()
        try await database.drop()
    }

    @Test(
        "indexes the hot reads need: webhook deliveries by arrival (7-day pruning), calls by tenant+state+start (history), by user (busy, own calls)"
    )
    func indexes() async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        let p = try Persistence(
            url: DatabaseURL.parse(config.databaseURL)!, logger: Logger(label: "t"),
            postgresSearchPath: config.postgresSearchPath, poolSize: 1)
        try await p.migrate()
        let sql = try #require(p.db as? any SQLDatabase)
        for (table, wanted) in [
            ("webhook_events", ["webhook_events_received_at"]),
            ("calls", ["calls_tenant_state_started", "calls_answered_by", "calls_placed_by_started"]),
        ] {
            let query: SQLQueryString =
                if case .postgres = p.kind {
                    "SELECT indexname AS name FROM pg_indexes WHERE tablename = \(bind: table)"
                } else {
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = \(bind: table)"
                }
            let names = Set(try await sql.raw(query).all().map { try $0.decode(column: "name", as: String.self) })
            #expect(names.isSuperset(of: wanted), "\(table): \(names)")
        }
        await p.shutdown()
        try await database.drop()
    }

    @Test("the test suite runs on the database CI asked for")
    func databaseKind() async throws {
        let database = try await TestDatabase.make()
        let config = database.config()
        defer { Task { try? await database.drop() } }
        if TestDatabase.postgresURL != nil {
            guard case .postgres = DatabaseURL.parse(config.databaseURL) else { Issue.record("not PostgreSQL"); return }
        } else {
            guard case .sqlite = DatabaseURL.parse(config.databaseURL) else { Issue.record("not SQLite"); return }
        }
    }
}

/// Issue 14, item 18: starting the server says what is wrong in one sentence, leaves nothing behind,
/// and a fresh database is private and announced in one line.
@Suite("Starting up: port checks, the database file's permissions, one migration line")
struct StartUpTests {
    /// The built `scaidial` (beside this test bundle).
    static var binary: String? {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug/scaidial").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Runs `scaidial` in an empty directory; (exit status, stderr + stdout, the directory).
    static func run(_ arguments: [String]) throws -> (Int32, String, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-start-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(binary))
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SCAIDIAL_") }
        env["SCAIDIAL_DATA_DIR"] = dir
        process.environment = env
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output, dir)
    }

    @Test("serve --port out of range is refused like SCAIDIAL_PORT; a port in use is named, with --port suggested, and no file is created")
    func ports() async throws {
        guard Self.binary != nil else {
            Issue.record("build the scaidial product first (swift build --build-tests builds it)")
            return
        }
        let (status, output, dir) = try Self.run(["serve", "--port", "99999"])
        #expect(status != 0 && output.contains("--port must be a port number from 1 to 65535"), "\(output)")
        let holder = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(holder.localAddress?.port)
        let (inUse, said, where_) = try Self.run(["serve", "--port", String(port)])
        #expect(inUse != 0 && said.contains("127.0.0.1:\(port) is already in use") && said.contains("--port"), "\(said)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: where_).isEmpty)
        try await holder.close()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }

    @Test("a new SQLite database file is readable by its owner only; a first migration logs one line")
    func databaseFile() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scaidial-perm-\(UUID())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let logs = LogCapture()
        var logger = Logger(label: "start") { _ in logs }
        logger.logLevel = .info
        let p = try Persistence(url: .sqlite(path: "\(dir)/new.sqlite"), logger: logger)
        try await p.migrate()
        await p.shutdown()
        let mode = try FileManager.default.attributesOfItem(atPath: "\(dir)/new.sqlite")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let lines = logs.text.split(separator: "\n").filter { $0.lowercased().contains("migrat") }
        #expect(lines.count == 1 && lines.first?.contains("database migrated applied=\(Migrations.all.count)") == true, "\(lines)")
        try? FileManager.default.removeItem(atPath: dir)
    }
}
