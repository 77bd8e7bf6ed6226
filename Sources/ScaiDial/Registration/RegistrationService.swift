import AsyncAlgorithms
import FluentKit
import Foundation
import Logging
import SIPRegistration
import ServiceLifecycle
import Synchronization

/// Keeps every trunk with `register = true` registered at its carrier (spec §4.1a): one
/// `RegistrationClient` per trunk this replica holds the lease of, started, restarted (the
/// trunk's address, transport or credentials changed) and stopped with an un-REGISTER (the trunk
/// was disabled or deleted, or the server shuts down gracefully) as the trunks change.
///
/// It looks at the trunks every `interval` and whenever `kick()` is called (every trunk change
/// does). A registrar that does not answer never holds anything up: each client runs in a task of
/// its own, and the API only ever reads the state the clients write into the trunk rows.
final class RegistrationService: Service, Sendable {
    let persistence: Persistence
    let secrets: SecretBox
    let contact: String?
    let metrics: MetricsRegistry
    let logger: Logger
    let interval: Duration
    let retry: RetryPolicy
    let timers: TransactionTimers
    /// Registrars on private networks are refused at each REGISTER (`SIPAddressGuard`).
    let addresses: SIPAddressGuard
    /// Lease times (the SIP transaction timers are the client's own, in real time).
    private let clock: any AppClock
    let leases: RegistrationLeases
    private let entries = Mutex<[UUID: Entry]>([:])
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    private let updates: AsyncStream<(UUID, RegistrationStatus)>
    private let update: AsyncStream<(UUID, RegistrationStatus)>.Continuation

    static let noContact =
        "SCAIDIAL_SIP_CONTACT is not set: ScaiDial needs livekit-sip's public SIP address as the Contact to register this trunk"

    init(config: AppConfig, persistence: Persistence, secrets: SecretBox, metrics: MetricsRegistry, logger: Logger) {
        self.persistence = persistence
        self.secrets = secrets
        self.contact = config.sipContact
        self.metrics = metrics
        self.logger = logger
        self.interval = config.registrationInterval
        self.retry = config.registrationRetry
        self.timers = config.registrationTimers
        self.addresses = config.sipAddresses
        self.clock = config.clock
        self.leases = RegistrationLeases(holder: "scaidial-\(UUID().uuidString.lowercased())", duration: config.registrationLease)
        (wakeups, wakeup) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
        (updates, update) = AsyncStream.makeStream()
    }

    /// Look at the trunks now (a trunk was created, changed or deleted).
    func kick() { wakeup.yield() }

    func run() async throws {
        let ticks = AsyncTimerSequence(interval: interval, clock: .continuous).map { _ in () }
        await withDiscardingTaskGroup { group in
            group.addTask { await self.writeStatuses() }
            await withGracefulShutdownHandler {
                for await _ in merge(ticks, wakeups).cancelOnGracefulShutdown() {
                    await reconcile(&group)
                }
            } onGracefulShutdown: { [wakeup] in
                wakeup.finish()
            }
            await stopAll()
            update.finish()
        }
    }

    // MARK: - Reconciling

    private func reconcile(_ group: inout DiscardingTaskGroup) async {
        guard persistence.isOpen else { return }
        let db = persistence.db
        do {
            guard let contact else {
                let trunks = try await TrunkModel.query(on: db).filter(\.$register == true).all()
                for trunk in trunks where trunk.registrationState != .failed || trunk.registrationError != Self.noContact {
                    try await Self.write(try trunk.requireID(), state: .failed, error: Self.noContact, on: db)
                }
                return
            }
            // Leases first, trunks second: a trunk deleted in between (its lease goes with it) is
            // then seen as deleted, not as taken over by another replica.
            let held = try await leases.renew(now: clock.now, on: db)
            let trunks = try await TrunkModel.query(on: db).filter(\.$register == true).all()
            let wanted = Dictionary(uniqueKeysWithValues: try trunks.map { (try $0.requireID(), $0) })
            for (id, entry) in entries.withLock({ $0 }) {
                if entry.isFinished {
                    entries.withLock { $0[id] = nil }
                    if wanted[id] == nil { try await leases.release(id, on: db) }
                } else if wanted[id]?.registrationSettings != entry.settings {
                    // Disabled, deleted or changed: un-REGISTER (a changed one starts again once that is done).
                    entry.stop()
                } else if !held.contains(id) && !entry.isStopping {
                    // Our lease ran out and another replica took the trunk over: its binding is the
                    // same Contact, so no un-REGISTER (that would remove it).
                    logger.notice("another replica took over a trunk's registration", metadata: ["trunk_id": "\(id)"])
                    entry.client.abandon()
                }
            }
            for trunk in trunks where try entries.withLock({ $0[try trunk.requireID()] }) == nil {
                guard try await leases.acquire(try trunk.requireID(), now: clock.now, on: db) else { continue }
                try await start(trunk, contact: contact, group: &group)
            }
        } catch {
            logger.warning("registration pass failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    private func start(_ trunk: TrunkModel, contact: String, group: inout DiscardingTaskGroup) async throws {
        let id = try trunk.requireID()
        guard let username = trunk.authUsername, let sealed = trunk.authPasswordSealed, let target = HostPort(trunk.address) else {
            try await Self.write(
                id, state: .failed, error: "a registering trunk needs an address, auth_username and auth_password", on: persistence.db)
            return
        }
        let transport = SIPTransportKind(rawValue: trunk.transport) ?? .udp
        let account = RegistrationAccount(
            host: target.host, port: target.port, transport: transport, username: username, password: try secrets.open(sealed),
            contact: SIPURI.contact(base: contact, user: username))
        let client = RegistrationClient(
            account: account, retry: retry, transport: NIOSIPTransport(timers: timers, addressCheck: addresses.transportCheck),
            observer: observer(id, account: account))
        let entry = Entry(client: client, settings: trunk.registrationSettings)
        entries.withLock { $0[id] = entry }
        logger.info("registering trunk", metadata: ["trunk_id": "\(id)", "account": "\(account)"])
        group.addTask {
            await client.run()
            entry.finish()
            self.kick()
        }
    }

    /// Graceful shutdown: every binding this replica holds is removed (bounded by each client's
    /// stop deadline), then the leases are given back so another replica takes over at once.
    private func stopAll() async {
        let all = entries.withLock { $0 }
        for entry in all.values { entry.stop() }
        let deadline = ContinuousClock.now + .seconds(8)
        while all.values.contains(where: { !$0.isFinished }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        guard persistence.isOpen else { return }
        for id in all.keys { try? await leases.release(id, on: persistence.db) }
    }

    // MARK: - What the clients report

    private func observer(_ trunkID: UUID, account: RegistrationAccount) -> RegistrationObserver {
        let metrics = self.metrics, logger = self.logger, update = self.update
        return RegistrationObserver(
            status: { status in
                update.yield((trunkID, status))
                metrics.increment(
                    "scaidial_sip_registration_states_total", help: "Registration states reached by REGISTER-mode trunks",
                    labels: [("state", status.state.rawValue)])
                logger.info(
                    "trunk registration",
                    metadata: [
                        "trunk_id": "\(trunkID)", "state": "\(status.state.rawValue)",
                        "status_code": "\(status.statusCode.map(String.init) ?? "-")", "error": "\(status.error ?? "-")",
                    ])
            },
            attempt: { request in
                metrics.increment(
                    "scaidial_sip_register_attempts_total", help: "REGISTER requests sent (auth answers, refreshes and retries included)",
                    labels: [("kind", request.expires == 0 ? "unregister" : "register")])
            },
            failure: { status in
                metrics.increment(
                    "scaidial_sip_register_failures_total", help: "Failed registrations by cause (a SIP status, timeout or transport)",
                    labels: [
                        (
                            "reason",
                            status.statusCode.map(String.init) ?? (status.error?.contains("timed out") == true ? "timeout" : "transport")
                        )
                    ])
            },
            malformed: { error in
                metrics.increment("scaidial_sip_malformed_responses_total", help: "SIP answers that could not be read (ignored)")
                logger.warning("malformed SIP answer ignored", metadata: ["trunk_id": "\(trunkID)", "error": "\(error.reason)"])
            })
    }

    /// Writes the reported states into the trunk rows, in order.
    private func writeStatuses() async {
        for await (trunkID, status) in updates {
            guard persistence.isOpen else { continue }
            do {
                switch status.state {
                case .unregistered:
                    // Shutdown or a change: the trunk still registers (by another replica, the next
                    // start, or with its new settings); disabled and deleted trunks match no row.
                    try await Self.write(trunkID, state: .registering, error: nil, on: persistence.db)
                default:
                    try await Self.write(
                        trunkID, state: TrunkRegistrationState(status.state), statusCode: status.statusCode, error: status.error,
                        expiresAt: status.expiresAt.map(Date.init(timeIntervalSince1970:)),
                        nextAttemptAt: status.nextAttemptAt.map(Date.init(timeIntervalSince1970:)), on: persistence.db)
                }
            } catch {
                logger.warning("cannot save a trunk's registration state", metadata: ["trunk_id": "\(trunkID)", "error": "\(error)"])
            }
        }
    }

    static func write(
        _ trunkID: UUID, state: TrunkRegistrationState, statusCode: Int? = nil, error: String?, expiresAt: Date? = nil,
        nextAttemptAt: Date? = nil,
        on db: any Database
    ) async throws {
        try await TrunkModel.query(on: db).filter(\.$id == trunkID).filter(\.$register == true)
            .set(\.$registrationState, to: state).set(\.$registrationStatusCode, to: statusCode)
            .set(\.$registrationError, to: error).set(\.$registrationExpiresAt, to: expiresAt)
            .set(\.$registrationNextAttemptAt, to: nextAttemptAt).update()
    }

    /// One running client and what it was started with.
    final class Entry: Sendable {
        let client: RegistrationClient
        let settings: [String?]
        private let state = Mutex((stopping: false, finished: false))

        init(client: RegistrationClient, settings: [String?]) {
            self.client = client
            self.settings = settings
        }

        var isFinished: Bool { state.withLock { $0.finished } }
        var isStopping: Bool { state.withLock { $0.stopping } }
        func finish() { state.withLock { $0.finished = true } }

        func stop() {
            let first = state.withLock { s in
                defer { s.stopping = true }
                return !s.stopping
            }
            if first { client.stop() }
        }
    }
}

/// `host[:port]` or `[v6]:port` of a trunk's address.
struct HostPort {
    let host: String
    let port: Int?

    init?(_ s: String) {
        if s.hasPrefix("["), let close = s.firstIndex(of: "]") {
            host = String(s[s.index(after: s.startIndex)..<close])
            let rest = s[s.index(after: close)...]
            port = rest.hasPrefix(":") ? Int(rest.dropFirst()) : nil
        } else {
            let parts = s.split(separator: ":", maxSplits: 1)
            guard let first = parts.first else { return nil }
            host = String(first)
            port = parts.count == 2 ? Int(parts[1]) : nil
        }
        if host.isEmpty { return nil }
    }
}
