import FluentKit
import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// Owns FluentKit's `Databases` and the migrations: the one place that opens and closes connections.
public final class Persistence: Sendable {
    public let databases: Databases
    let migrations: Migrations
    let logger: Logger
    public let kind: DatabaseURL
    /// SQLite gets a single connection on one event loop, so writers never fight over the file lock.
    private let eventLoop: (any EventLoop)?
    private let closed = Mutex(false)
    /// One handle per event loop, made once: `db` never has to ask FluentKit again (which answers
    /// nil once the databases are shut down); a handle used after shutdown throws instead.
    private let handles: [ObjectIdentifier: any Database]
    private let anyHandle: any Database

    public init(url: DatabaseURL, logger: Logger, postgresSearchPath: [String]? = nil, poolSize: Int = 8) throws {
        let group = MultiThreadedEventLoopGroup.singleton
        self.databases = Databases(threadPool: NIOThreadPool.singleton, on: group)
        self.logger = logger
        self.kind = url
        switch url {
        case .sqlite(let path):
            // The file holds password hashes and sealed trunk secrets: only its owner reads it
            // (SQLite gives its -wal and -shm files the same permissions).
            if !FileManager.default.fileExists(atPath: path) {
                FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
            }
            databases.use(.sqlite(.file(path), maxConnectionsPerEventLoop: 1, sqlLogLevel: .trace), as: .sqlite)
            eventLoop = group.any()
        case .postgres(let raw):
            var configuration = try SQLPostgresConfiguration(url: raw)
            configuration.searchPath = postgresSearchPath
            databases.use(
                .postgres(configuration: configuration, maxConnectionsPerEventLoop: poolSize, sqlLogLevel: .trace),
                as: .psql)
            eventLoop = nil
        }
        migrations = Migrations()
        migrations.add(Migrations.all)
        let loops: [any EventLoop] = eventLoop.map { [$0] } ?? Array(group.makeIterator())
        var handles: [ObjectIdentifier: any Database] = [:]
        for loop in loops {
            if let handle = databases.database(logger: logger, on: loop) { handles[ObjectIdentifier(loop)] = handle }
        }
        guard let anyHandle = handles.values.first else { throw PersistenceClosed() }
        self.handles = handles
        self.anyHandle = anyHandle
    }

    /// A database handle on the current event loop (the one SQLite loop); cheap, per request.
    public var db: any Database {
        handles[ObjectIdentifier(eventLoop ?? databases.eventLoopGroup.any())] ?? anyHandle
    }

    /// True when the database answers a trivial query (readiness).
    public func ping() async -> Bool {
        guard let db = databases.database(logger: logger, on: eventLoop ?? databases.eventLoopGroup.any()) as? any SQLDatabase
        else { return false }
        do {
            _ = try await db.raw("SELECT 1").all()
            return true
        } catch {
            logger.warning("database ping failed", metadata: ["error": "\(String(reflecting: error))"])
            return false
        }
    }

    /// Applies every pending migration, in order.
    /// Applies every pending migration, in order, and says so in one log line (Fluent's own two
    /// lines per migration are kept for debug logging).
    public func migrate() async throws {
        try await tune()
        // Fluent says two lines per migration at info; below debug they are left out (a failure
        // still throws, and is logged by whoever started the server).
        let quiet = logger.logLevel <= .debug ? logger : Logger(label: logger.label) { _ in SwiftLogNoOpLogHandler() }
        let migrator = Migrator(databases: databases, migrations: migrations, logger: quiet, on: db.eventLoop)
        try await migrator.setupIfNeeded().get()
        let pending = try await migrator.previewPrepareBatch().get().map { $0.0.name }
        try await migrator.prepareBatch().get()
        if let first = pending.first, let last = pending.last {
            logger.info(
                "database migrated",
                metadata: ["applied": "\(pending.count)", "first": "\(first)", "last": "\(last)", "database": "\(kind.engine)"])
        }
    }

    /// SQLite: WAL lets readers go on during a write (stored in the file); with WAL, `synchronous=NORMAL`
    /// syncs at checkpoints instead of every commit — a crash cannot corrupt the database, a power
    /// cut may lose the last commits. Set on the one pooled connection.
    func tune() async throws {
        guard case .sqlite = kind else { return }
        let sql = try db.sql()
        try await sql.raw("PRAGMA journal_mode=WAL").run()
        try await sql.raw("PRAGMA synchronous=NORMAL").run()
        try await sql.raw("PRAGMA busy_timeout=5000").run()
    }

    /// Reverts every migration (used by tests of the migrations themselves).
    public func revertAll() async throws {
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: db.eventLoop)
        try await migrator.setupIfNeeded().get()
        try await migrator.revertAllBatches().get()
    }

    /// Names of migrations that have not run yet.
    public func pendingMigrations() async throws -> [String] {
        let migrator = Migrator(databases: databases, migrations: migrations, logger: logger, on: db.eventLoop)
        try await migrator.setupIfNeeded().get()
        return try await migrator.previewPrepareBatch().get().map { $0.0.name }
    }

    public func shutdown() async {
        closed.withLock { $0 = true }
        await databases.shutdownAsync()
    }

    /// False once shut down: background work checks it before touching the database.
    var isOpen: Bool { !closed.withLock { $0 } }

    /// A database handle for background work that may outlive the databases at shutdown: throws
    /// instead of trapping once they are closed.
    func openDatabase() throws -> any Database {
        guard isOpen, let db = databases.database(logger: logger, on: eventLoop ?? databases.eventLoopGroup.any()) else {
            throw PersistenceClosed()
        }
        return db
    }
}

struct PersistenceClosed: Error, CustomStringConvertible {
    var description: String { "the database connections are closed (shutting down)" }
}

/// Keeps the databases open while the application runs and closes them on graceful shutdown.
struct DatabaseService: Service {
    let persistence: Persistence
    func run() async throws {
        try? await gracefulShutdown()
        await persistence.shutdown()
    }
}
