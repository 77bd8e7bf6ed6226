import AsyncAlgorithms
import FluentKit
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit
import SQLKit
import ServiceLifecycle

/// The event streams of several replicas as one (PostgreSQL only; a SQLite deployment is one
/// process and its `EventHub` alone knows everyone).
///
/// - **Who is online**: each replica keeps a row per user with an open stream in `event_streams`,
///   renewed every 20 s with a 60 s expiry, so a replica that died stops counting within a minute.
/// - **Delivery**: an event for users is delivered to this replica's streams at once and sent to
///   the others with `NOTIFY` on one channel; every replica `LISTEN`s on its own connection and
///   delivers what other replicas sent. Notifications are not stored: while a replica's listening
///   connection is down (database restart) it misses events, says so in the log, and reconnects.
///   Ringing itself is decided from the database, so a missed `ring` is a browser that does not
///   ring, never a call that is lost.
final class SharedEvents: Sendable {
    /// This replica, in `event_streams` and in every notification it sends.
    let replica: String
    let channel: String
    private let persistence: Persistence
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    /// Who counts as online: leases are renewed and expire on this clock.
    private let clock: any AppClock
    private let outgoing: (stream: AsyncStream<Envelope>, continuation: AsyncStream<Envelope>.Continuation)
    private let kicks: (stream: AsyncStream<Void>, continuation: AsyncStream<Void>.Continuation)
    static let lease: TimeInterval = 60
    static let renewal: Duration = .seconds(20)
    /// Users per notification: PostgreSQL takes at most 8,000 bytes of payload.
    static let usersPerNotification = 100

    struct Envelope: Codable, Sendable {
        /// The replica that sent it (which has delivered it to its own streams already).
        let replica: String
        let users: [UUID]
        let name: String
        let data: String
    }

    init(persistence: Persistence, postgresURL: String, searchPath: [String]?, logger: Logger, clock: any AppClock = SystemClock()) throws {
        self.replica = UUID().uuidString
        self.clock = clock
        self.persistence = persistence
        self.configuration = try SQLPostgresConfiguration(url: postgresURL).coreConfiguration
        self.logger = logger
        // One channel per schema, so deployments (and test runs) sharing a database server stay apart.
        let schema = (searchPath?.first ?? "public").lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" }
        self.channel = String("scaidial_events_\(schema)".prefix(63))
        self.outgoing = AsyncStream.makeStream(of: Envelope.self, bufferingPolicy: .bufferingNewest(10_000))
        self.kicks = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `event` for the other replicas (in order: one sender drains the queue).
    func publish(_ event: UserEvent, to users: [UUID]) {
        guard !users.isEmpty else { return }
        for start in stride(from: 0, to: users.count, by: Self.usersPerNotification) {
            let chunk = Array(users[start..<min(users.count, start + Self.usersPerNotification)])
            outgoing.continuation.yield(Envelope(replica: replica, users: chunk, name: event.name, data: event.data))
        }
    }

    /// This replica's set of online users changed: write it soon.
    func presenceChanged() { kicks.continuation.yield() }

    /// Of `users`, those with an open stream on any replica (per the database).
    func online(_ users: [UUID], on db: (any Database)? = nil) async throws -> Set<UUID> {
        guard !users.isEmpty else { return [] }
        let sql = try (db ?? persistence.openDatabase()).sql()
        let rows = try await sql.select().distinct().column("user_id").from("event_streams")
            .where("user_id", .in, users).where("expires_at", .greaterThan, clock.now).all()
        return Set(try rows.map { try $0.decode(column: "user_id", as: UUID.self) })
    }

    // MARK: the service's loops

    /// Sends queued events, one `pg_notify` each, in order.
    func sendLoop() async {
        for await envelope in outgoing.stream {
            do {
                let payload = String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self)
                let sql = try persistence.openDatabase().sql()
                try await sql.raw("SELECT pg_notify(\(bind: channel), \(bind: payload))").run()
            } catch is PersistenceClosed {
                return
            } catch {
                logger.warning(
                    "an event could not reach the other replicas", metadata: ["event": "\(envelope.name)", "error": "\(error)"])
            }
        }
    }

    /// Keeps this replica's rows in `event_streams` equal to its online users.
    func presenceLoop(_ hub: EventHub) async {
        let ticks = merge(kicks.stream, AsyncTimerSequence(interval: Self.renewal, clock: .continuous).map { _ in () })
        do { try await writePresence(hub.localUsers()) } catch { presenceFailed(error) }
        for await _ in ticks {
            do { try await writePresence(hub.localUsers()) } catch is PersistenceClosed { return } catch { presenceFailed(error) }
        }
    }

    private func presenceFailed(_ error: any Error) {
        logger.warning("who is online could not be written for the other replicas", metadata: ["error": "\(error)"])
    }

    func writePresence(_ users: Set<UUID>) async throws {
        let db = try persistence.openDatabase()
        let expires = clock.now.addingTimeInterval(Self.lease)
        let replica = self.replica
        try await db.transaction { tx in
            let sql = try tx.sql()
            let mine = sql.delete(from: "event_streams").where("replica", .equal, replica)
            if !users.isEmpty { mine.where("user_id", .notIn, Array(users)) }
            try await mine.run()
            // Rows of replicas gone for an hour: nobody renews them any more.
            try await sql.delete(from: "event_streams").where("expires_at", .lessThan, self.clock.now.addingTimeInterval(-3600)).run()
            guard !users.isEmpty else { return }
            let insert = sql.insert(into: "event_streams").columns("replica", "user_id", "expires_at")
            for user in users { insert.values([replica, user, expires] as [any Encodable & Sendable]) }
            try await insert.onConflict(with: ["replica", "user_id"]) { $0.set(excludedValueOf: "expires_at") }.run()
        }
    }

    /// On the way out: this replica's users are no longer online here.
    func removePresence() async {
        do {
            try await persistence.openDatabase().sql().delete(from: "event_streams").where("replica", .equal, replica)
                .run()
        } catch is PersistenceClosed {
            // Stopped without a graceful shutdown: the rows run out within a minute.
        } catch {
            presenceFailed(error)
        }
    }

    /// Listens for the other replicas' events on a connection of its own; reconnects when it drops.
    func listenLoop(_ hub: EventHub) async {
        var delay = Duration.milliseconds(500)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(
                    on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: logger)
                var failure: (any Error)?
                do {
                    try await withTaskCancellationHandler {
                        try await connection.listen(on: channel) { notifications in
                            delay = .milliseconds(500)
                            for try await notification in notifications { receive(notification.payload, hub) }
                        }
                    } onCancel: {
                        connection.close().whenComplete { _ in }
                    }
                } catch {
                    failure = error
                }
                // Closed on every way out: a connection must not outlive its use unclosed.
                try? await connection.close().get()
                if let failure { throw failure }
            } catch {
                if Task.isCancelled { return }
                logger.warning(
                    "listening for the other replicas' events failed; events they send meanwhile are missed here",
                    metadata: ["error": "\(error)", "retry_in": "\(delay)"])
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
    }

    func receive(_ payload: String, _ hub: EventHub) {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(payload.utf8)) else {
            logger.warning("an unreadable event notification was ignored", metadata: ["channel": "\(channel)"])
            return
        }
        guard envelope.replica != replica else { return }  // delivered here when it was sent
        hub.deliver(UserEvent(name: envelope.name, data: envelope.data), to: envelope.users)
    }
}

/// Runs the shared event loops beside the server; on a graceful stop this replica's users go offline.
struct SharedEventsService: Service {
    let hub: EventHub
    let shared: SharedEvents

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await shared.sendLoop() }
            group.addTask { await shared.presenceLoop(hub) }
            group.addTask { await shared.listenLoop(hub) }
            group.addTask { try? await gracefulShutdown() }
            await group.next()  // the graceful shutdown (the loops run until cancelled)
            group.cancelAll()
        }
        await shared.removePresence()
    }
}
