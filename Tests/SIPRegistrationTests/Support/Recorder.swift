import NIOSSL
import SIPRegistration
import SIPTestSupport
import Synchronization

/// Collects what a running client reports.
final class Recorder: Sendable {
    private struct State {
        var statuses: [RegistrationStatus] = []
        var attempts: [RegisterRequest] = []
        var malformed: [SIPParseError] = []
    }
    private let state = Mutex(State())

    var observer: RegistrationObserver {
        RegistrationObserver(
            status: { s in self.state.withLock { $0.statuses.append(s) } },
            attempt: { r in self.state.withLock { $0.attempts.append(r) } },
            malformed: { e in self.state.withLock { $0.malformed.append(e) } })
    }

    var statuses: [RegistrationStatus] { state.withLock { $0.statuses } }
    var attempts: [RegisterRequest] { state.withLock { $0.attempts } }
    var malformed: [SIPParseError] { state.withLock { $0.malformed } }
    var last: RegistrationStatus? { statuses.last }
}

/// A client running in a task of its own for the length of a test.
struct RunningClient {
    let client: RegistrationClient
    let recorder: Recorder
    let task: Task<Void, Never>

    static func start(
        _ account: RegistrationAccount, retry: RetryPolicy = RetryPolicy(base: 1, cap: 4),
        timers: TransactionTimers = TransactionTimers(), tls: TLSConfiguration? = nil
    ) -> RunningClient {
        let recorder = Recorder()
        let client = RegistrationClient(
            account: account, retry: retry, transport: NIOSIPTransport(timers: timers, tls: tls), observer: recorder.observer,
            stopDeadline: 3)
        return RunningClient(client: client, recorder: recorder, task: Task { await client.run() })
    }

    func waitFor(_ what: String, timeout: Duration = .seconds(15), _ condition: @escaping (RegistrationStatus) -> Bool) async throws {
        try await waitUntil(what, timeout: timeout) { recorder.last.map(condition) ?? false }
    }

    /// Un-REGISTER and wait until the client is done.
    func stop() async {
        client.stop()
        await task.value
    }
}
