import Foundation
import Synchronization

/// Failed sign-ins per client address and per account (the email as typed, known or not), each a
/// token bucket: `burst` failures at once, then the bucket refills evenly over `window`. A key with
/// an empty bucket is answered 429 with `Retry-After` before any password is hashed, so a flood of
/// wrong passwords costs the server a lookup in memory, not a bcrypt hash.
///
/// Only failures are counted: people who type their password right are never held up by the limit.
/// The counts live in this replica's memory (each replica limits on its own; the account lockout in
/// the database is shared).
final class SignInLimiter: Sendable {
    struct Limit: Sendable, Equatable {
        /// Failures allowed at once; 0 turns the limit off.
        var burst: Int
        /// The time in which an empty bucket fills again.
        var window: TimeInterval
        static let off = Limit(burst: 0, window: 1)
    }

    enum Key: Hashable, Sendable {
        case address(String)
        case account(String)
    }

    private struct Bucket { var tokens: Double; var at: Date }
    private let perAddress: Limit
    private let perAccount: Limit
    private let buckets = Mutex<[Key: Bucket]>([:])
    /// Entries kept at most; full buckets are dropped first when there are more.
    private let capacity: Int

    init(perAddress: Limit, perAccount: Limit, capacity: Int = 100_000) {
        self.perAddress = perAddress
        self.perAccount = perAccount
        self.capacity = capacity
    }

    /// Seconds until `address` and `account` may try again, or nil when both may try now.
    func wait(address: String, account: String, now: Date) -> Int? {
        buckets.withLock { buckets in
            let waits = [(Key.address(address), perAddress), (.account(account), perAccount)].compactMap { key, limit -> Double? in
                guard limit.burst > 0, let bucket = buckets[key] else { return nil }
                let tokens = Self.refilled(bucket, limit, now)
                guard tokens < 1 else { return nil }
                return (1 - tokens) * limit.window / Double(limit.burst)
            }
            return waits.max().map { max(1, Int($0.rounded(.up))) }
        }
    }

    /// A failed sign-in from `address` for `account` takes one token from each bucket.
    func failed(address: String, account: String, now: Date) {
        buckets.withLock { buckets in
            for (key, limit) in [(Key.address(address), perAddress), (.account(account), perAccount)] where limit.burst > 0 {
                let tokens = buckets[key].map { Self.refilled($0, limit, now) } ?? Double(limit.burst)
                buckets[key] = Bucket(tokens: max(0, tokens - 1), at: now)
            }
            if buckets.count > capacity { prune(&buckets, now: now) }
        }
    }

    /// How many keys are tracked (tests and `/metrics`).
    var trackedKeys: Int { buckets.withLock { $0.count } }

    private static func refilled(_ bucket: Bucket, _ limit: Limit, _ now: Date) -> Double {
        let rate = Double(limit.burst) / limit.window
        return min(Double(limit.burst), bucket.tokens + max(0, now.timeIntervalSince(bucket.at)) * rate)
    }

    /// Drops the buckets that have filled again (they limit nothing); if that is not enough (a flood
    /// from very many addresses), the oldest go.
    private func prune(_ buckets: inout [Key: Bucket], now: Date) {
        buckets = buckets.filter { key, bucket in
            let limit: Limit
            switch key {
            case .address: limit = perAddress
            case .account: limit = perAccount
            }
            return Self.refilled(bucket, limit, now) < Double(limit.burst)
        }
        if buckets.count > capacity {
            let keep = buckets.sorted { $0.value.at > $1.value.at }.prefix(capacity / 2)
            buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }
}
