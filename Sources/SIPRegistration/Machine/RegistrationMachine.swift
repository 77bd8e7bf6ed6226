/// The registration lifecycle of one account as a pure value: `handle(event, now:)` returns the
/// actions to carry out (send a REGISTER, set the one timer, report a status, finish). No
/// sockets, no clocks, no randomness from outside: time comes with each event, and random values
/// (branches, tags, cnonces, jitter) from a seeded generator. `RegistrationClient` drives it.
public struct RegistrationMachine: Sendable {
    public enum Phase: Sendable, Equatable {
        case idle
        /// A REGISTER (first, refresh or retry) is in flight.
        case registering
        /// Bound until `expiresAt`; the timer refreshes it.
        case registered(expiresAt: Double)
        /// Failed; the timer retries.
        case backingOff(until: Double)
        /// A REGISTER with `Expires: 0` is in flight.
        case unregistering
        case stopped
    }

    public enum Event: Sendable, Equatable {
        case start
        /// The timer set by the last `.setTimer` fired.
        case timerFired
        case response(SIPResponse)
        /// Timer F (or the stream transport's equivalent) ran out for the transaction `branch`.
        case timeout(branch: String)
        /// The request could not be sent: name not resolved, connection refused or reset, TLS failure.
        case transportError(branch: String, message: String)
        /// Remove the binding (`Expires: 0`) and finish: trunk disabled or deleted, graceful shutdown.
        case stop
    }

    public enum Action: Sendable, Equatable {
        case send(RegisterRequest)
        /// Replace the timer: fire `.timerFired` at this time.
        case setTimer(at: Double)
        case cancelTimer
        case report(RegistrationStatus)
        /// Nothing more will happen; the driver may let go.
        case finished
    }

    public let account: RegistrationAccount
    public let retry: RetryPolicy
    public private(set) var phase: Phase = .idle
    /// Kept for every request of this machine (RFC 3261 §10.2: one Call-ID per registration).
    public let callID: String
    public let fromTag: String
    public private(set) var cseq: Int = 0
    /// The branch of the request in flight; answers to anything else are ignored.
    public private(set) var branch: String?
    /// What we ask for; raised by a 423 to the registrar's `Min-Expires`.
    public private(set) var requestedExpires: Int
    public private(set) var consecutiveFailures = 0
    /// When the registrar's last binding runs out (kept while a refresh fails).
    public private(set) var bindingExpiresAt: Double?
    private var random: SplitMix64
    /// Challenges answered for the request chain in flight (a second, non-stale challenge means
    /// the credentials are wrong).
    private var authRounds = 0
    private var lastNonce: String?
    private var nonceCount = 0
    private var lastStatus: RegistrationStatus?

    public init(account: RegistrationAccount, retry: RetryPolicy = RetryPolicy(), seed: UInt64) {
        self.account = account
        self.retry = retry
        var random = SplitMix64(seed: seed)
        callID = random.hex(12) + "@scaidial"
        fromTag = random.hex(6)
        self.random = random
        requestedExpires = max(0, account.expires)
    }

    public mutating func handle(_ event: Event, now: Double) -> [Action] {
        switch (event, phase) {
        case (.start, .idle):
            return report(RegistrationStatus(state: .registering)) + startAttempt(now: now)
        case (.timerFired, .registered), (.timerFired, .backingOff):
            return startAttempt(now: now)
        case (.response(let r), .registering), (.response(let r), .unregistering):
            guard answersRequestInFlight(r) else { return [] }
            return handleResponse(r, now: now)
        case (.timeout(let b), .registering) where b == branch:
            return fail(status: nil, "no answer from the registrar (timed out)", retryAfter: nil, now: now)
        case (.transportError(let b, let message), .registering) where b == branch:
            return fail(status: nil, message, retryAfter: nil, now: now)
        case (.timeout(let b), .unregistering) where b == branch, (.transportError(let b, _), .unregistering) where b == branch:
            return finish(now: now)
        case (.stop, .idle),
            (.stop, .backingOff) where !bindingMayExist(now: now):
            return [.cancelTimer] + finish(now: now)
        case (.stop, .registering), (.stop, .registered), (.stop, .backingOff):
            phase = .unregistering
            authRounds = 0
            return [.cancelTimer, .send(request(expires: 0, credentials: nil))]
        default:
            return []
        }
    }

    // MARK: - Attempts

    private mutating func startAttempt(now: Double) -> [Action] {
        phase = .registering
        authRounds = 0
        return [.send(request(expires: requestedExpires, credentials: nil))]
    }

    /// A new request of this registration: next CSeq, new branch, same Call-ID and From tag.
    private mutating func request(expires: Int, credentials: (header: String, value: String)?) -> RegisterRequest {
        cseq += 1
        let newBranch = "z9hG4bK" + random.hex(8)
        branch = newBranch
        return RegisterRequest(
            requestURI: account.requestURI, addressOfRecord: account.addressOfRecord, fromTag: fromTag, callID: callID,
            cseq: cseq, branch: newBranch, contact: account.contact, expires: expires, credentials: credentials)
    }

    private func answersRequestInFlight(_ r: SIPResponse) -> Bool {
        guard let branch, r.branch == branch, r.callID == callID, let cseq = r.cseq else { return false }
        return cseq.number == self.cseq && cseq.method.uppercased() == "REGISTER"
    }

    private var expiresInFlight: Int { phase == .unregistering ? 0 : requestedExpires }

    // MARK: - Responses

    private mutating func handleResponse(_ r: SIPResponse, now: Double) -> [Action] {
        let unregistering = phase == .unregistering
        switch r.statusCode {
        case 100..<200:
            return []
        case 200..<300:
            return unregistering ? finish(now: now) : registered(r, now: now)
        case 401, 407:
            return answerChallenge(r, now: now)
        case 423 where !unregistering:
            // Interval Too Brief: ask again for the registrar's minimum (RFC 3261 §10.2.8).
            guard let minimum = r.seconds("Min-Expires"), minimum > requestedExpires, minimum <= 86_400 else {
                return fail(status: 423, "the registrar refused the expiry time without a usable Min-Expires", retryAfter: nil, now: now)
            }
            requestedExpires = minimum
            authRounds = 0
            return [.send(request(expires: requestedExpires, credentials: nil))]
        default:
            if unregistering { return finish(now: now) }
            let reason = r.reason.isEmpty ? "" : " \(r.reason)"
            return fail(
                status: r.statusCode, "the registrar answered \(r.statusCode)\(reason)", retryAfter: r.seconds("Retry-After"), now: now)
        }
    }

    private mutating func registered(_ r: SIPResponse, now: Double) -> [Action] {
        let granted = grantedExpires(r)
        guard granted > 0 else {
            return fail(
                status: r.statusCode, "the registrar accepted the REGISTER but kept no binding for our Contact", retryAfter: nil, now: now)
        }
        consecutiveFailures = 0
        let expiresAt = now + Double(granted)
        bindingExpiresAt = expiresAt
        let refreshAt = now + RefreshTiming.delay(granted: granted, unit: random.unit())
        phase = .registered(expiresAt: expiresAt)
        return report(
            RegistrationStatus(state: .registered, statusCode: r.statusCode, expiresAt: expiresAt, nextAttemptAt: refreshAt))
            + [.setTimer(at: refreshAt)]
    }

    /// The registrar's grant: the `expires` of our Contact in the answer, else `Expires`, else
    /// what we asked for (RFC 3261 §10.2.4).
    private func grantedExpires(_ r: SIPResponse) -> Int {
        let ours = Self.contactKey(account.contact)
        if let mine = r.contacts.first(where: { Self.contactKey($0.uri) == ours }), let e = mine.expires { return e }
        return r.seconds("Expires") ?? requestedExpires
    }

    /// Contacts compare by scheme, user, host and port (registrars add or reorder parameters).
    static func contactKey(_ uri: String) -> String {
        String(uri.split(separator: ";", maxSplits: 1).first ?? "").lowercased()
    }

    private mutating func answerChallenge(_ r: SIPResponse, now: Double) -> [Action] {
        let unregistering = phase == .unregistering
        guard let challenge = DigestChallenge.best(in: r) else {
            if unregistering { return finish(now: now) }
            return fail(
                status: r.statusCode, "the registrar's challenge uses no digest algorithm this client speaks", retryAfter: nil, now: now)
        }
        // One answer per request chain, plus one more for a stale nonce; another challenge means
        // the registrar did not accept the credentials.
        guard authRounds == 0 || (challenge.stale && authRounds < 3) else {
            if unregistering { return finish(now: now) }
            return fail(
                status: r.statusCode, "the registrar rejected the credentials (\(r.statusCode)): check auth_username and auth_password",
                retryAfter: nil, now: now)
        }
        authRounds += 1
        nonceCount = challenge.nonce == lastNonce ? nonceCount + 1 : 1
        lastNonce = challenge.nonce
        let credentials = DigestCredentials(username: account.username, password: account.password).answer(
            challenge, method: "REGISTER", uri: account.requestURI, cnonce: random.hex(8), nonceCount: nonceCount)
        return [.send(request(expires: expiresInFlight, credentials: credentials))]
    }

    // MARK: - Failure and the end

    private mutating func fail(status: Int?, _ message: String, retryAfter: Int?, now: Double) -> [Action] {
        consecutiveFailures += 1
        let wait = retryAfter.map { Double(min(max($0, 1), 86_400)) } ?? retry.delay(failures: consecutiveFailures, unit: random.unit())
        let next = now + wait
        phase = .backingOff(until: next)
        branch = nil
        let binding = bindingExpiresAt.flatMap { $0 > now ? $0 : nil }
        return report(RegistrationStatus(state: .failed, statusCode: status, error: message, expiresAt: binding, nextAttemptAt: next))
            + [.setTimer(at: next)]
    }

    private func bindingMayExist(now: Double) -> Bool { (bindingExpiresAt ?? 0) > now }

    private mutating func finish(now: Double) -> [Action] {
        phase = .stopped
        branch = nil
        bindingExpiresAt = nil
        return report(RegistrationStatus(state: .unregistered)) + [.finished]
    }

    /// Reports only what changed, so a refresh that changes nothing but times still reports them.
    private mutating func report(_ status: RegistrationStatus) -> [Action] {
        guard status != lastStatus else { return [] }
        lastStatus = status
        return [.report(status)]
    }
}
