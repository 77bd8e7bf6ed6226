import FluentKit
import Foundation
import Logging
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
