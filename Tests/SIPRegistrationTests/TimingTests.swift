import Testing

@testable import SIPRegistration

@Suite("Timers and backoff")
struct TimingTests {
    @Test("Timer E retransmits at T1 doubling to T2 until Timer F (RFC 3261 §17.1.2.2)")
    func timerE() {
        let t = TransactionTimers()
        #expect(t.timeoutF == 32)
        #expect(t.retransmissions() == [0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5])
    }

    @Test("after a provisional answer retransmissions come every T2")
    func proceeding() {
        #expect(TransactionTimers().retransmissions(provisionalAt: 0.6) == [0.5, 1.5, 5.5, 9.5, 13.5, 17.5, 21.5, 25.5, 29.5])
    }

    @Test("backoff doubles from the base to the cap, jittered to 50–100 %")
    func backoff() {
        let p = RetryPolicy(base: 30, cap: 1800)
        #expect(p.delay(failures: 1, unit: 0) == 15)
        #expect(p.delay(failures: 1, unit: 0.999_999) < 30)
        #expect(p.delay(failures: 3, unit: 0) == 60)
        #expect(p.delay(failures: 50, unit: 0) == 900)
    }

    @Test("the refresh comes at half the grant, or 5 minutes before expiry when that is later, up to 10 % earlier")
    func refresh() {
        #expect(RefreshTiming.delay(granted: 60, unit: 0) == 30)
        #expect(RefreshTiming.delay(granted: 3600, unit: 0) == 3300)
        #expect(RefreshTiming.delay(granted: 3600, unit: 0.999_999) > 2970)
    }

    @Test("the generator is deterministic per seed and its unit numbers stay in 0..<1")
    func generator() {
        var a = SplitMix64(seed: 7), b = SplitMix64(seed: 7)
        #expect(a.hex(8) == b.hex(8))
        for _ in 0..<1000 {
            let u = a.unit()
            #expect(u >= 0 && u < 1)
        }
    }
}
