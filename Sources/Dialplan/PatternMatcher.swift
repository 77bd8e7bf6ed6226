/// Anchored matching of compiled tokens against UTF-8 bytes, without allocation.
///
/// Patterns without a star compare position by position. With stars, the classic wildcard
/// algorithm backtracks only to the most recent star, which is exact because a star matches any
/// bytes; it is linear for ordinary patterns and O(pattern x value) in the worst case (both bounded).
struct CompiledPattern: Sendable, Hashable {
    let tokens: [PatternToken]
    /// Bytes every match needs at least (tokens that are not stars).
    let minLength: Int
    let hasStar: Bool

    init(_ tokens: [PatternToken]) {
        self.tokens = tokens
        self.minLength = tokens.reduce(0) { $1 == .star ? $0 : $0 + 1 }
        self.hasStar = tokens.contains(.star)
    }

    @inline(__always)
    private static func accepts(_ token: PatternToken, _ byte: UInt8) -> Bool {
        switch token {
        case .one(let mask): byte < 64 && mask & (1 << UInt64(byte)) != 0
        case .any: true
        case .star: false
        }
    }

    func matches(_ value: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = value.count
        if !hasStar {
            guard n == minLength else { return false }
            return tokens.withUnsafeBufferPointer { t in
                for i in 0..<n where !Self.accepts(t[i], value[i]) { return false }
                return true
            }
        }
        guard n >= minLength else { return false }
        return tokens.withUnsafeBufferPointer { t in
            var ti = 0, si = 0
            var starToken = -1, starValue = 0
            while si < n {
                if ti < t.count {
                    if t[ti] == .star {
                        starToken = ti
                        starValue = si
                        ti += 1
                        continue
                    }
                    if Self.accepts(t[ti], value[si]) {
                        ti += 1
                        si += 1
                        continue
                    }
                }
                guard starToken >= 0 else { return false }
                ti = starToken + 1
                starValue += 1
                si = starValue
            }
            while ti < t.count, t[ti] == .star { ti += 1 }
            return ti == t.count
        }
    }
}
