import Foundation
import SIPRegistration
import SIPTestSupport
import Testing

/// Against SIPp playing registrars that misbehave in the ways carriers do.
@Suite("SIPp registrar scenarios")
struct SIPpTests {
    static func account(port: Int, transport: SIPTransportKind = .udp, expires: Int = 60) -> RegistrationAccount {
        RegistrationAccount(
            host: "127.0.0.1", port: port, transport: transport, username: "acme", password: "s3cret",
            contact: "sip:acme@lk.example.com:5060;transport=udp", expires: expires)
    }

    @Test("423 Interval Too Brief: the REGISTER is repeated with Min-Expires, then un-REGISTERed with Expires: 0")
    func intervalTooBrief() async throws {
        let sipp = try await SIPp.start("interval-too-brief")
        defer { sipp.stop() }
        let run = RunningClient.start(Self.account(port: sipp.port))
        try await run.waitFor("registered") { $0.state == .registered }
        let status = try #require(run.recorder.last)
        let expiresAt = try #require(status.expiresAt)
        #expect(abs(expiresAt - Date().timeIntervalSince1970 - 1800) < 10)
        await run.stop()
        #expect(await sipp.exitStatus() == 0, "SIPp: \(sipp.errors)")
        let received = sipp.received().map(\.text)
        #expect(received.map { $0.sipHeader("Expires") } == ["60", "1800", "0"])
        #expect(Set(received.compactMap { $0.sipHeader("Call-ID") }).count == 1)
        #expect(received.compactMap { $0.sipHeader("CSeq") } == ["1 REGISTER", "2 REGISTER", "3 REGISTER"])
    }

    @Test("403 Forbidden: failed with the status, and the retry waits for the backoff")
    func forbidden() async throws {
        let sipp = try await SIPp.start("forbidden")
        defer { sipp.stop() }
        let run = RunningClient.start(Self.account(port: sipp.port), retry: RetryPolicy(base: 2, cap: 8))
        try await run.waitFor("failed") { $0.state == .failed }
        #expect(run.recorder.last?.statusCode == 403)
        #expect(await sipp.exitStatus() == 0, "SIPp: \(sipp.errors)")
        let received = sipp.received()
        #expect(received.count == 2)
        let gap = received[1].at.timeIntervalSince(received[0].at)
        #expect(gap >= 1 && gap <= 4.5, "the retry came after \(gap) s; the backoff is 50–100 % of 2 s")
        #expect(received[0].text.sipHeader("Via") != received[1].text.sipHeader("Via"))  // a new branch
        #expect(received[0].text.sipHeader("Call-ID") == received[1].text.sipHeader("Call-ID"))
        await run.stop()
    }

    @Test("a silent registrar gets Timer E retransmissions over UDP until Timer F, then the client backs off")
    func silent() async throws {
        let sipp = try await SIPp.start("silent")
        defer { sipp.stop() }
        // T1 = 100 ms, T2 = 400 ms: retransmissions 0.1, 0.3, 0.7, 1.1, … 6.3 s; Timer F at 6.4 s.
        let timers = TransactionTimers(t1: 0.1, t2: 0.4)
        let run = RunningClient.start(Self.account(port: sipp.port), retry: RetryPolicy(base: 60, cap: 60), timers: timers)
        try await run.waitFor("timed out", timeout: .seconds(20)) { $0.state == .failed }
        #expect(run.recorder.last?.error == "no answer from the registrar (timed out)", "\(run.recorder.statuses)")
        #expect(run.recorder.last?.statusCode == nil)
        // SIPp buffers its message log: read it once the scenario (and SIPp) has ended.
        #expect(await sipp.exitStatus() == 0, "SIPp: \(sipp.errors)")
        let received = sipp.received(retransmissions: true)
        let expected = timers.retransmissions()
        #expect(expected.count == 17)
        #expect(received.count == 1 + expected.count)
        #expect(Set(received.compactMap { $0.text.sipHeader("Via") }).count == 1)  // retransmissions: the same request
        // Each copy arrived near its Timer E offset from the first (T1 doubling to T2). SIPp stamps a
        // message when it reads it: on a loaded machine the first one can be read late (seen: 83 ms),
        // so a copy may look up to that much early; a late timer shows as late.
        let offsets = received.dropFirst().map { $0.at.timeIntervalSince(received[0].at) }
        for (offset, want) in zip(offsets, expected) {
            #expect(offset > want - 0.15 && offset < want + 0.8, "retransmission at \(offset) s, due at \(want) s")
        }
        #expect(zip(offsets, offsets.dropFirst()).allSatisfy { $0 <= $1 })
        await run.stop()
    }

    @Test("TCP connection refused: failed with a transport error and a backoff")
    func connectionRefused() async throws {
        let port = try freePort()  // nobody listens here
        let run = RunningClient.start(Self.account(port: port, transport: .tcp))
        try await run.waitFor("failed") { $0.state == .failed }
        let status = try #require(run.recorder.last)
        #expect(status.statusCode == nil)
        #expect(status.error?.contains("cannot reach the registrar at TCP 127.0.0.1:\(port)") == true, "\(status.error ?? "")")
        #expect(status.error?.lowercased().contains("refused") == true, "\(status.error ?? "")")
        #expect(status.nextAttemptAt != nil)
        await run.stop()
    }

    @Test("a registrar asking for SHA-256 gets SHA-256 with qop=auth; a malformed answer is counted and ignored")
    func sha256AndMalformed() async throws {
        let sipp = try await SIPp.start("sha256-challenge")
        defer { sipp.stop() }
        let run = RunningClient.start(Self.account(port: sipp.port))
        try await run.waitFor("registered") { $0.state == .registered }
        #expect(await sipp.exitStatus() == 0, "SIPp: \(sipp.errors)")
        #expect(run.recorder.malformed.count == 1)
        let authorization = try #require(sipp.received().last?.text.sipHeader("Authorization"))
        #expect(authorization.contains("algorithm=SHA-256"))
        #expect(authorization.contains("realm=\"sipp.test\""))
        #expect(!authorization.contains("s3cret"))
        run.client.abandon()
        await run.task.value
    }
}
