/// When to retry after a failure and when to refresh a binding.
public struct RetryPolicy: Sendable, Equatable {
    /// The first wait after a failure; it doubles with each failure in a row, up to `cap`.
    public var base: Double
    public var cap: Double

    /// RFC 5626 §4.5's figures: 30 s doubling to 30 min.
    public init(base: Double = 30, cap: Double = 1800) {
        self.base = base
        self.cap = cap
    }

    /// The wait after `failures` failures in a row (≥ 1): `min(cap, base · 2^(failures-1))`, of
    /// which a random 50–100 % is taken (RFC 5626 §4.5) so that many trunks failing together do
    /// not retry in step. `unit` is a random number in 0..<1.
    public func delay(failures: Int, unit: Double) -> Double {
        let exponent = Double(max(0, min(failures - 1, 30)))
        let wait = min(cap, base * pow2(exponent))
        return wait * (0.5 + 0.5 * unit)
    }

    private func pow2(_ e: Double) -> Double {
        var v = 1.0
        for _ in 0..<Int(e) { v *= 2 }
        return v
    }
}

/// Refresh timing: well before the binding runs out, so a lost request and its retries still
/// fit — at half the granted time, or 5 minutes before expiry when that is later — and a random
/// 0–10 % earlier, so trunks registered together do not refresh together.
public enum RefreshTiming {
    public static func delay(granted: Int, unit: Double) -> Double {
        let g = Double(granted)
        return max(g / 2, g - 300) * (1 - 0.1 * unit)
    }
}

/// SplitMix64: a small deterministic generator, so the state machine stays a pure function of
/// its seed and events (tests fix the seed; the client seeds it from the system generator).
public struct SplitMix64: RandomNumberGenerator, Sendable, Equatable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in 0..<1.
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// `n` random bytes as lowercase hex.
    mutating func hex(_ n: Int) -> String {
        var bytes: [UInt8] = []
        while bytes.count < n { withUnsafeBytes(of: next()) { bytes.append(contentsOf: $0) } }
        return bytes.prefix(n).hex
    }
}

/// RFC 3261 §17.1.2.2 timers of a non-INVITE client transaction.
public struct TransactionTimers: Sendable, Equatable {
    /// Round-trip estimate (500 ms) and the longest retransmission interval (4 s).
    public var t1: Double
    public var t2: Double

    public init(t1: Double = 0.5, t2: Double = 4) {
        self.t1 = t1
        self.t2 = t2
    }

    /// Timer F: the transaction gives up after 64·T1 (32 s by default).
    public var timeoutF: Double { 64 * t1 }

    /// When to retransmit over UDP (Timer E), as offsets from the first send: T1, then doubling,
    /// capped at T2 (and at T2 throughout once a provisional answer arrived), until Timer F.
    public func retransmissions(provisionalAt: Double? = nil) -> [Double] {
        var out: [Double] = []
        var interval = t1
        var at = interval
        while at < timeoutF {
            out.append(at)
            if let p = provisionalAt, at >= p { interval = t2 } else { interval = min(interval * 2, t2) }
            at += interval
        }
        return out
    }
}
