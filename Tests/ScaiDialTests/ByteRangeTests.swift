import Testing

@testable import ScaiDial

@Suite("HTTP Range: reading and resolving never trap, whatever the header and the size")
struct ByteRangeTests {
    @Test("a-b, a-, -n are read; malformed, multiple or non-byte ranges are no range at all")
    func parse() {
        #expect(ByteRange.parse("bytes=0-99") == .from(first: 0, last: 99))
        #expect(ByteRange.parse("bytes=100-") == .from(first: 100, last: nil))
        #expect(ByteRange.parse("bytes=-500") == .suffix(length: 500))
        #expect(ByteRange.parse(" BYTES=5-5") == .from(first: 5, last: 5))
        #expect(ByteRange.parse("bytes=-0") == .suffix(length: 0))
        // Beyond Int.max saturates instead of failing to parse (it is simply beyond any object).
        #expect(ByteRange.parse("bytes=99999999999999999999999-") == .from(first: .max, last: nil))
        #expect(ByteRange.parse("bytes=9223372036854775807-") == .from(first: .max, last: nil))
        for junk in [
            nil, "", "bytes=", "bytes=9-3", "bytes=0-1,5-6", "items=0-1", "bytes=-", "bytes=a-b", "bytes=+5-", "bytes=5-+9", "bytes=٣-",
        ] {
            #expect(ByteRange.parse(junk) == nil, "\(junk ?? "nil")")
        }
    }

    @Test("resolving against a size: inside, clamped, suffixes, and 416 where RFC 9110 says so")
    func resolve() {
        #expect(ByteRange.from(first: 4, last: 13).resolve(size: 100) == .part(4...13))
        #expect(ByteRange.from(first: 90, last: 500).resolve(size: 100) == .part(90...99))
        #expect(ByteRange.from(first: 90, last: nil).resolve(size: 100) == .part(90...99))
        #expect(ByteRange.from(first: 100, last: nil).resolve(size: 100) == .unsatisfiable)
        #expect(ByteRange.from(first: .max, last: nil).resolve(size: 100) == .unsatisfiable)
        #expect(ByteRange.from(first: .max, last: .max).resolve(size: .max) == .unsatisfiable)
        #expect(ByteRange.suffix(length: 5).resolve(size: 100) == .part(95...99))
        #expect(ByteRange.suffix(length: .max).resolve(size: 100) == .part(0...99))
        #expect(ByteRange.suffix(length: 0).resolve(size: 100) == .unsatisfiable)
        // An empty object: only a suffix may ask for "all of it"; everything else cannot be met.
        #expect(ByteRange.suffix(length: 7).resolve(size: 0) == .whole)
        #expect(ByteRange.from(first: 0, last: nil).resolve(size: 0) == .unsatisfiable)
        #expect(ByteRange.suffix(length: 0).resolve(size: 0) == .unsatisfiable)
    }

    /// A seeded random-input test: headers built from the pieces that break range arithmetic
    /// (huge and boundary numbers, signs, commas, spaces, non-ASCII digits) against sizes from 0 to
    /// `Int.max`. Every answer must be a range inside the object, never empty, or no range at all.
    @Test("100,000 hostile headers against sizes from 0 to Int.max: every part lies inside the object")
    func fuzz() {
        let numbers = [
            "", "0", "1", "7", "00", "4095", "4096", "9223372036854775806", "9223372036854775807", "9223372036854775808",
            "99999999999999999999999999",
        ]
        let junk = ["-", ",", " ", "+", "a", "٣", "\u{0}", "=", "*", "bytes="]
        let prefixes = ["bytes=", "BYTES=", " bytes=", "bytes =", "items=", ""]
        let sizes = [0, 1, 2, 4096, Int.max - 1, Int.max]
        var rng = SplitMix(seed: 20261207)
        var parts = 0
        for _ in 0..<100_000 {
            var header = (prefixes.randomElement(using: &rng) ?? "") + (numbers.randomElement(using: &rng) ?? "")
            header += (Int.random(in: 0..<8, using: &rng) == 0 ? "" : "-") + (numbers.randomElement(using: &rng) ?? "")
            if Int.random(in: 0..<3, using: &rng) == 0 {
                // Something foreign somewhere in it.
                let at = header.index(header.startIndex, offsetBy: Int.random(in: 0...header.count, using: &rng))
                header.insert(contentsOf: junk.randomElement(using: &rng) ?? "", at: at)
            }
            let size = sizes.randomElement(using: &rng) ?? 0
            guard let range = ByteRange.parse(header) else { continue }
            switch range.resolve(size: size) {
            case .part(let part):
                parts += 1
                #expect(part.lowerBound >= 0 && part.upperBound < size, "\(header) of \(size)")
            case .whole, .unsatisfiable: break
            }
        }
        #expect(parts > 1_000, "the generator must reach satisfiable ranges too")
    }
}
