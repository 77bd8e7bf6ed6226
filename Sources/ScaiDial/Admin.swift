import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix

/// What the command line does besides serving.
public enum Admin {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Fails with a sentence for the operator when `host:port` cannot be listened on (another
    /// program has it, or the address is not this machine's) — checked before anything is created
    /// on disk, so a failed start leaves no database file behind.
    public static func checkListenAddress(host: String, port: Int) async throws {
        guard (1...65_535).contains(port) else { throw Failure(description: "port \(port) is not a port number (1 to 65535)") }
        let probe: any Channel
        do {
            probe = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: host, port: port).get()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw Failure(
                description:
                    "\(host):\(port) is already in use by another program; stop it, or start ScaiDial on another port with --port (or SCAIDIAL_PORT)"
            )
        } catch {
            throw Failure(description: "cannot listen on \(host):\(port): \(error) (check --host / SCAIDIAL_HOST)")
        }
        try? await probe.close()
    }

    /// Applies pending migrations; returns the names applied.
    public static func migrate(_ config: AppConfig) async throws -> [String] {
        try await withPersistence(config) { p in
            let pending = try await p.pendingMigrations()
            try await p.migrate()
            return pending
        }
    }

    /// Creates a platform admin, refusing a bad email, a short password or an existing email.
    public static func createPlatformAdmin(_ config: AppConfig, email: String, password: String, displayName: String?) async throws -> UUID
    {
        let email = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard UserController.looksLikeEmail(email) else { throw Failure(description: "--email must be an email address") }
        if let problem = PasswordRule.problem(password) { throw Failure(description: "--password \(problem)") }
        return try await withPersistence(config) { p in
            try await p.migrate()
            if try await UserModel.query(on: p.db).filter(\.$email == email).count() > 0 {
                throw Failure(description: "a user with email \(email) already exists")
            }
            let user = UserModel.new()
            user.email = email
            user.displayName = displayName ?? String(email.prefix { $0 != "@" })
            user.role = .platformAdmin
            user.passwordHash = try await PasswordHasher(cost: UInt8(config.passwordHashCost), pool: config.hashingPool).hash(password)
            try await user.create(on: p.db)
            return try user.requireID()
        }
    }

    private static func withPersistence<T>(_ config: AppConfig, _ body: (Persistence) async throws -> T) async throws -> T {
        guard let url = DatabaseURL.parse(config.databaseURL) else { throw Failure(description: "bad SCAIDIAL_DATABASE_URL") }
        var logger = Logger(label: "scaidial")
        logger.logLevel = .warning
        let p = try Persistence(url: url, logger: logger, postgresSearchPath: config.postgresSearchPath)
        do {
            let result = try await body(p)
            await p.shutdown()
            return result
        } catch {
            await p.shutdown()
            throw error
        }
    }
}
