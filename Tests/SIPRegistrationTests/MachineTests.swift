import Testing

@testable import SIPRegistration

/// The registration lifecycle without sockets: events in, actions out.
@Suite("Registration state machine")
struct MachineTests {
    static let account = RegistrationAccount(
        host: "sip.carrier.example", username: "acme", password: "s3cret", contact: "sip:acme@lk.example.com:5060;transport=udp",
        expires: 600)

    static func machine(retry: RetryPolicy = RetryPolicy(base: 30, cap: 1800)) -> RegistrationMachine {
        RegistrationMachine(account: account, retry: retry, seed: 42)
    }

    /// An answer to `request` as a registrar would send it.
    static func answer(_ request: RegisterRequest, _ code: Int, _ reason: String = "", headers: [(String, String)] = []) -> SIPResponse {
        SIPResponse(
            statusCode: code, reason: reason,
            headers: SIPHeaders(
                [
                    ("Via", "SIP/2.0/UDP 10.0.0.1:5060;rport=5060;branch=\(request.branch)"),
                    ("Call-ID", request.callID), ("CSeq", "\(request.cseq) REGISTER"),
                ] + headers))
    }

    static let challenge = ("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"n1\", qop=\"auth\", algorithm=MD5")

    static func sent(_ actions: [RegistrationMachine.Action]) -> RegisterRequest? {
        for case .send(let r) in actions { return r }
        return nil
    }

    static func statuses(_ actions: [RegistrationMachine.Action]) -> [RegistrationStatus] {
        actions.compactMap { if case .report(let s) = $0 { s } else { nil } }
    }

    static func timer(_ actions: [RegistrationMachine.Action]) -> Double? {
        for case .setTimer(let at) in actions { return at }
        return nil
    }

    /// Starts and registers with a challenge; returns the 200's actions.
    static func register(_ m: inout RegistrationMachine, now: Double = 1000, grant: [(String, String)] = []) -> [RegistrationMachine.Action]
    {
        let first = sent(m.handle(.start, now: now))!
        let second = sent(m.handle(.response(answer(first, 401, "Unauthorized", headers: [challenge])), now: now))!
        return m.handle(.response(answer(second, 200, "OK", headers: grant)), now: now)
    }

    @Test("start sends a REGISTER for the account with Expires, Contact and a z9hG4bK branch, and reports registering")
    func start() throws {
        var m = Self.machine()
        let actions = m.handle(.start, now: 1000)
        #expect(Self.statuses(actions) == [RegistrationStatus(state: .registering)])
        let r = try #require(Self.sent(actions))
        #expect(r.requestURI == "sip:sip.carrier.example")
        #expect(r.addressOfRecord == "sip:acme@sip.carrier.example")
        #expect(r.contact == "sip:acme@lk.example.com:5060;transport=udp")
        #expect(r.expires == 600)
        #expect(r.cseq == 1)
        #expect(r.branch.hasPrefix("z9hG4bK") && r.branch.count > 12)
        #expect(r.credentials == nil)
        #expect(m.phase == .registering)
    }

    @Test("a 401 is answered with digest credentials in a new request: next CSeq, new branch, same Call-ID and tag")
    func challenge() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let second = try #require(Self.sent(m.handle(.response(Self.answer(first, 401, headers: [Self.challenge])), now: 1000)))
        #expect(second.cseq == first.cseq + 1)
        #expect(second.branch != first.branch)
        #expect(second.callID == first.callID && second.fromTag == first.fromTag)
        let credentials = try #require(second.credentials)
        #expect(credentials.header == "Authorization")
        #expect(credentials.value.contains("username=\"acme\""))
        #expect(credentials.value.contains("uri=\"sip:sip.carrier.example\""))
        #expect(credentials.value.contains("qop=auth, nc=00000001"))
        #expect(!credentials.value.contains("s3cret"))
    }

    @Test("a 407 is answered in Proxy-Authorization")
    func proxyChallenge() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let second = try #require(
            Self.sent(
                m.handle(
                    .response(Self.answer(first, 407, headers: [("Proxy-Authenticate", "Digest realm=\"p\", nonce=\"x\"")])), now: 1000)))
        #expect(second.credentials?.header == "Proxy-Authorization")
    }

    @Test("200 registers for the Contact's granted expires and refreshes well before expiry")
    func registered() throws {
        var m = Self.machine()
        let actions = Self.register(
            &m, now: 1000, grant: [("Contact", "<sip:acme@lk.example.com:5060;transport=udp>;expires=400;received=x"), ("Expires", "900")])
        let status = try #require(Self.statuses(actions).last)
        #expect(status.state == .registered)
        #expect(status.statusCode == 200)
        #expect(status.expiresAt == 1400)
        let refresh = try #require(Self.timer(actions))
        // max(400/2, 400-300) = 200 s, up to 10 % earlier.
        #expect(refresh >= 1000 + 180 && refresh <= 1000 + 200)
        #expect(status.nextAttemptAt == refresh)
        #expect(m.phase == .registered(expiresAt: 1400))
    }

    @Test("without a Contact expires the Expires header is the grant, else what was asked for")
    func grantFallbacks() throws {
        var a = Self.machine()
        #expect(Self.statuses(Self.register(&a, grant: [("Expires", "120")])).last?.expiresAt == 1120)
        var b = Self.machine()
        #expect(Self.statuses(Self.register(&b)).last?.expiresAt == 1600)
    }

    @Test("a long grant is refreshed five minutes (plus jitter) before expiry")
    func longGrant() throws {
        var m = Self.machine()
        let refresh = try #require(Self.timer(Self.register(&m, grant: [("Expires", "3600")])))
        #expect(refresh >= 1000 + 3300 * 0.9 && refresh <= 1000 + 3300)
    }

    @Test("the refresh keeps Call-ID and From tag, raises CSeq, and keeps the status registered while it runs")
    func refresh() throws {
        var m = Self.machine()
        let registered = Self.register(&m, grant: [("Expires", "600")])
        let at = try #require(Self.timer(registered))
        let refreshActions = m.handle(.timerFired, now: at)
        #expect(Self.statuses(refreshActions).isEmpty)
        let refresh = try #require(Self.sent(refreshActions))
        #expect(refresh.cseq == 3)
        #expect(refresh.callID == m.callID)
        #expect(refresh.expires == 600)
        let again = try #require(Self.sent(m.handle(.response(Self.answer(refresh, 401, headers: [Self.challenge])), now: at)))
        #expect(again.cseq == 4)
        // The same nonce again: the nonce count goes up.
        #expect(again.credentials?.value.contains("nc=00000002") == true)
        let done = m.handle(.response(Self.answer(again, 200, headers: [("Expires", "600")])), now: at)
        #expect(Self.statuses(done).last?.expiresAt == at + 600)
    }

    @Test("423 is retried at once with the registrar's Min-Expires")
    func intervalTooBrief() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let retry = try #require(Self.sent(m.handle(.response(Self.answer(first, 423, headers: [("Min-Expires", "1800")])), now: 1000)))
        #expect(retry.expires == 1800)
        #expect(retry.cseq == 2)
        #expect(m.requestedExpires == 1800)
    }

    @Test("423 without a higher Min-Expires is a failure, not a loop")
    func intervalTooBriefUnusable() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let actions = m.handle(.response(Self.answer(first, 423, headers: [("Min-Expires", "60")])), now: 1000)
        #expect(Self.sent(actions) == nil)
        #expect(Self.statuses(actions).last?.state == .failed)
        #expect(Self.statuses(actions).last?.statusCode == 423)
    }

    @Test("a second challenge after answering one means wrong credentials: failed with backoff")
    func wrongPassword() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let second = try #require(Self.sent(m.handle(.response(Self.answer(first, 401, headers: [Self.challenge])), now: 1000)))
        let actions = m.handle(.response(Self.answer(second, 401, headers: [Self.challenge])), now: 1000)
        #expect(Self.sent(actions) == nil)
        let status = try #require(Self.statuses(actions).last)
        #expect(status.state == .failed && status.statusCode == 401)
        #expect(status.error?.contains("credentials") == true)
        let retryAt = try #require(Self.timer(actions))
        #expect(retryAt >= 1015 && retryAt <= 1030)  // 50–100 % of 30 s
        #expect(status.nextAttemptAt == retryAt)
    }

    @Test("a stale nonce is answered again without counting as wrong credentials")
    func staleNonce() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let second = try #require(Self.sent(m.handle(.response(Self.answer(first, 401, headers: [Self.challenge])), now: 1000)))
        let stale = ("WWW-Authenticate", "Digest realm=\"carrier\", nonce=\"n2\", qop=\"auth\", stale=true")
        let third = try #require(Self.sent(m.handle(.response(Self.answer(second, 401, headers: [stale])), now: 1000)))
        #expect(third.credentials?.value.contains("nonce=\"n2\"") == true)
        #expect(third.credentials?.value.contains("nc=00000001") == true)
    }

    @Test(
        "failures back off with doubling, jittered waits",
        arguments: [403, 404, 480, 500, 503, 603])
    func backoff(code: Int) throws {
        var m = Self.machine(retry: RetryPolicy(base: 10, cap: 35))
        var now = 1000.0
        var waits: [Double] = []
        for _ in 0..<4 {
            let request = try #require(Self.sent(now == 1000 ? m.handle(.start, now: now) : m.handle(.timerFired, now: now)))
            let actions = m.handle(.response(Self.answer(request, code, "No")), now: now)
            let status = try #require(Self.statuses(actions).last)
            #expect(status.state == .failed && status.statusCode == code)
            #expect(status.error == "the registrar answered \(code) No")
            let next = try #require(Self.timer(actions))
            waits.append(next - now)
            now = next
        }
        // 10, 20, 35 (capped), 35 — each 50–100 % of that.
        for (wait, full) in zip(waits, [10.0, 20, 35, 35]) { #expect(wait >= full / 2 && wait <= full) }
        #expect(m.consecutiveFailures == 4)
    }

    @Test("Retry-After decides the next attempt")
    func retryAfter() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let actions = m.handle(.response(Self.answer(first, 503, "Service Unavailable", headers: [("Retry-After", "120")])), now: 1000)
        #expect(Self.timer(actions) == 1120)
        #expect(Self.statuses(actions).last?.nextAttemptAt == 1120)
    }

    @Test("a timeout or transport error of the request in flight fails with backoff; of an old one it is ignored")
    func timeouts() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        #expect(m.handle(.timeout(branch: "z9hG4bKold"), now: 1032).isEmpty)
        let actions = m.handle(.timeout(branch: first.branch), now: 1032)
        #expect(Self.statuses(actions).last?.error == "no answer from the registrar (timed out)")
        #expect(Self.statuses(actions).last?.statusCode == nil)
        let retryAt = try #require(Self.timer(actions))
        let retry = try #require(Self.sent(m.handle(.timerFired, now: retryAt)))
        let refused = m.handle(.transportError(branch: retry.branch, message: "connection refused"), now: 1100)
        #expect(Self.statuses(refused).last?.error == "connection refused")
        #expect(m.consecutiveFailures == 2)
    }

    @Test("a success after failures resets the backoff")
    func successResets() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        let retryAt = try #require(Self.timer(m.handle(.timeout(branch: first.branch), now: 1032)))
        let second = try #require(Self.sent(m.handle(.timerFired, now: retryAt)))
        _ = m.handle(.response(Self.answer(second, 200, headers: [("Expires", "600")])), now: retryAt)
        #expect(m.consecutiveFailures == 0)
    }

    @Test("a failed refresh keeps the binding's expiry in the status while it retries")
    func failedRefreshKeepsExpiry() throws {
        var m = Self.machine()
        let at = try #require(Self.timer(Self.register(&m, grant: [("Expires", "600")])))
        let refresh = try #require(Self.sent(m.handle(.timerFired, now: at)))
        let failed = m.handle(.response(Self.answer(refresh, 500, "Server Error")), now: at)
        #expect(Self.statuses(failed).last?.expiresAt == 1600)
    }

    @Test("answers that belong to no request in flight are ignored: other branch, Call-ID or CSeq")
    func strays() throws {
        var m = Self.machine()
        let first = try #require(Self.sent(m.handle(.start, now: 1000)))
        var wrongBranch = Self.answer(first, 200)
        wrongBranch.headers = SIPHeaders([("Via", "SIP/2.0/UDP x;branch=z9hG4bKother"), ("Call-ID", first.callID), ("CSeq", "1 REGISTER")])
        #expect(m.handle(.response(wrongBranch), now: 1000).isEmpty)
        var wrongCSeq = Self.answer(first, 200)
        wrongCSeq.headers = SIPHeaders([("Via", "SIP/2.0/UDP x;branch=\(first.branch)"), ("Call-ID", first.callID), ("CSeq", "9 REGISTER")])
        #expect(m.handle(.response(wrongCSeq), now: 1000).isEmpty)
        #expect(m.handle(.response(Self.answer(first, 100, "Trying")), now: 1000).isEmpty)
        #expect(m.phase == .registering)
    }

    @Test("stop while registered sends Expires: 0 (authenticated when challenged) and finishes on 200")
    func unregister() throws {
        var m = Self.machine()
        _ = Self.register(&m, grant: [("Expires", "600")])
        let stopActions = m.handle(.stop, now: 1100)
        #expect(stopActions.first == .cancelTimer)
        let bye = try #require(Self.sent(stopActions))
        #expect(bye.expires == 0)
        #expect(bye.callID == m.callID)
        let authed = try #require(Self.sent(m.handle(.response(Self.answer(bye, 401, headers: [Self.challenge])), now: 1100)))
        #expect(authed.expires == 0 && authed.credentials != nil)
        let done = m.handle(.response(Self.answer(authed, 200)), now: 1100)
        #expect(Self.statuses(done).last?.state == .unregistered)
        #expect(done.last == .finished)
        #expect(m.phase == .stopped)
    }

    @Test("stop finishes even when the un-REGISTER times out or is refused")
    func unregisterFailure() throws {
        var a = Self.machine()
        _ = Self.register(&a)
        let bye = try #require(Self.sent(a.handle(.stop, now: 1100)))
        #expect(a.handle(.timeout(branch: bye.branch), now: 1132).last == .finished)
        var b = Self.machine()
        _ = Self.register(&b)
        let bye2 = try #require(Self.sent(b.handle(.stop, now: 1100)))
        #expect(b.handle(.response(Self.answer(bye2, 500)), now: 1100).last == .finished)
    }

    @Test("stop with no binding (never registered, backing off) finishes without sending")
    func stopWithoutBinding() throws {
        var idle = Self.machine()
        #expect(idle.handle(.stop, now: 1000).last == .finished)
        var failing = Self.machine()
        let first = try #require(Self.sent(failing.handle(.start, now: 1000)))
        _ = failing.handle(.response(Self.answer(first, 403, "Forbidden")), now: 1000)
        let actions = failing.handle(.stop, now: 1001)
        #expect(Self.sent(actions) == nil)
        #expect(actions.last == .finished)
    }

    @Test("stop during the first REGISTER un-registers (the registrar may already have bound it)")
    func stopWhileRegistering() throws {
        var m = Self.machine()
        _ = m.handle(.start, now: 1000)
        let bye = try #require(Self.sent(m.handle(.stop, now: 1000)))
        #expect(bye.expires == 0)
        #expect(m.phase == .unregistering)
    }

    @Test("a 200 that grants 0 for our Contact is a failure")
    func zeroGrant() throws {
        var m = Self.machine()
        let actions = Self.register(&m, grant: [("Contact", "<sip:acme@lk.example.com:5060;transport=udp>;expires=0")])
        #expect(Self.statuses(actions).last?.state == .failed)
    }

    @Test("timer firings outside a waiting phase change nothing")
    func strayTimer() throws {
        var m = Self.machine()
        _ = m.handle(.start, now: 1000)
        #expect(m.handle(.timerFired, now: 1001).isEmpty)
        #expect(m.cseq == 1)
    }

    @Test("two machines with different seeds use different Call-IDs and branches")
    func randomness() {
        var a = RegistrationMachine(account: Self.account, seed: 1)
        var b = RegistrationMachine(account: Self.account, seed: 2)
        #expect(a.callID != b.callID)
        #expect(Self.sent(a.handle(.start, now: 0))?.branch != Self.sent(b.handle(.start, now: 0))?.branch)
    }
}
