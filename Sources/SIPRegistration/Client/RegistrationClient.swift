#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a running registration tells its owner. Nothing here carries the password.
public struct RegistrationObserver: Sendable {
    /// A new status (registering, registered, failed, unregistered).
    public var status: @Sendable (RegistrationStatus) -> Void
    /// A REGISTER left (first, auth answer, refresh, retry; `expires == 0` for un-REGISTER).
    public var attempt: @Sendable (RegisterRequest) -> Void
    /// A transaction ended without a final answer, or the registrar said no.
    public var failure: @Sendable (RegistrationStatus) -> Void
    /// An answer that could not be read (ignored).
    public var malformed: @Sendable (SIPParseError) -> Void

    public init(
        status: @escaping @Sendable (RegistrationStatus) -> Void = { _ in },
        attempt: @escaping @Sendable (RegisterRequest) -> Void = { _ in },
        failure: @escaping @Sendable (RegistrationStatus) -> Void = { _ in },
        malformed: @escaping @Sendable (SIPParseError) -> Void = { _ in }
    ) {
        self.status = status
        self.attempt = attempt
        self.failure = failure
        self.malformed = malformed
    }
}

/// Drives a `RegistrationMachine`: carries out its sends over a `SIPTransactionSender`, keeps
/// its one timer, and feeds answers, timeouts and timer firings back into it.
///
/// `run()` lasts until the registration is over: after `stop()` (un-REGISTER, bounded by
/// `stopDeadline`) or `abandon()` (no un-REGISTER: someone else owns the binding now), or when
/// the task running it is cancelled.
public final class RegistrationClient: Sendable {
    enum Input: Sendable {
        case machine(RegistrationMachine.Event)
        case abandon
        case stopDeadlinePassed
    }

    public let account: RegistrationAccount
    let retry: RetryPolicy
    let transport: any SIPTransactionSender
    let observer: RegistrationObserver
    let clock: @Sendable () -> Double
    let stopDeadline: Double
    let seed: UInt64
    private let inputs: AsyncStream<Input>
    private let sink: AsyncStream<Input>.Continuation

    /// `clock` gives seconds since 1970 (the machine's and the status's time base).
    public init(
        account: RegistrationAccount, retry: RetryPolicy = RetryPolicy(), transport: any SIPTransactionSender,
        observer: RegistrationObserver = RegistrationObserver(), stopDeadline: Double = 5,
        seed: UInt64 = UInt64.random(in: 0...UInt64.max),
        clock: @escaping @Sendable () -> Double = { wallClock() }
    ) {
        self.account = account
        self.retry = retry
        self.transport = transport
        self.observer = observer
        self.clock = clock
        self.stopDeadline = stopDeadline
        self.seed = seed
        (inputs, sink) = AsyncStream.makeStream()
    }

    /// Remove the binding (`Expires: 0`), then finish.
    public func stop() { sink.yield(.machine(.stop)) }

    /// Finish without an un-REGISTER.
    public func abandon() { sink.yield(.abandon) }

    public func run() async {
        await drive()
        await transport.close()
    }

    private func drive() async {
        var machine = RegistrationMachine(account: account, retry: retry, seed: seed)
        var timer: Task<Void, Never>?
        var transaction: Task<Void, Never>?
        var stopDeadlineTimer: Task<Void, Never>?
        defer {
            timer?.cancel()
            stopDeadlineTimer?.cancel()
            transaction?.cancel()
            sink.finish()
        }
        sink.yield(.machine(.start))
        for await input in inputs {
            let event: RegistrationMachine.Event
            switch input {
            case .abandon, .stopDeadlinePassed: return
            case .machine(let e): event = e
            }
            if event == .stop, stopDeadlineTimer == nil {
                // Shutdown must not wait a whole Timer F for a registrar that does not answer.
                let sink = self.sink, deadline = stopDeadline
                stopDeadlineTimer = Task {
                    try? await Task.sleep(for: .seconds(deadline))
                    if !Task.isCancelled { sink.yield(.stopDeadlinePassed) }
                }
            }
            for action in machine.handle(event, now: clock()) {
                switch action {
                case .send(let request):
                    observer.attempt(request)
                    transaction?.cancel()
                    transaction = send(request)
                case .setTimer(let at):
                    timer?.cancel()
                    let sink = self.sink, delay = max(0, at - clock())
                    timer = Task {
                        try? await Task.sleep(for: .seconds(delay))
                        if !Task.isCancelled { sink.yield(.machine(.timerFired)) }
                    }
                case .cancelTimer:
                    timer?.cancel()
                case .report(let status):
                    observer.status(status)
                    if status.state == .failed { observer.failure(status) }
                case .finished:
                    return
                }
            }
        }
    }

    private func send(_ request: RegisterRequest) -> Task<Void, Never> {
        let transport = self.transport, account = self.account, sink = self.sink, malformed = observer.malformed
        return Task {
            let event: RegistrationMachine.Event
            do {
                event = .response(try await transport.send(request, to: account, malformed: malformed))
            } catch SIPTransactionError.timeout {
                event = .timeout(branch: request.branch)
            } catch let SIPTransactionError.transport(message) {
                event = .transportError(branch: request.branch, message: message)
            } catch {
                return  // cancelled: a newer transaction replaced this one, or the client ended
            }
            sink.yield(.machine(event))
        }
    }
}

/// Seconds since 1970, from the system clock.
public func wallClock() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
