/// One step of a compiled `_` pattern, matched against UTF-8 bytes.
enum PatternToken: Sendable, Hashable {
    /// One byte whose value (all pattern characters are below 64) has its bit set in the mask.
    case one(UInt64)
    /// Any single byte (the mandatory first character of ".").
    case any
    /// Zero or more bytes of anything.
    case star
}

/// Turns the text after a leading "_" into tokens; refuses anything outside the pattern language.
enum PatternCompiler {
    static let maxLength = 256

    static func bit(_ c: UInt8) -> UInt64 { 1 << UInt64(c) }
    static func digits(_ range: ClosedRange<UInt8>) -> UInt64 {
        range.reduce(0) { $0 | bit(UInt8(ascii: "0") + $1) }
    }

    static func compile(_ body: Substring.UTF8View) throws(PatternError) -> [PatternToken] {
        var tokens: [PatternToken] = []
        var i = body.startIndex
        guard i != body.endIndex else { throw PatternError("a pattern needs something after '_'") }
        while i != body.endIndex {
            let c = body[i]
            body.formIndex(after: &i)
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "*"), UInt8(ascii: "#"):
                tokens.append(.one(bit(c)))
            case UInt8(ascii: "X"), UInt8(ascii: "x"): tokens.append(.one(digits(0...9)))
            case UInt8(ascii: "Z"), UInt8(ascii: "z"): tokens.append(.one(digits(1...9)))
            case UInt8(ascii: "N"), UInt8(ascii: "n"): tokens.append(.one(digits(2...9)))
            case UInt8(ascii: "."):
                tokens.append(.any)
                tokens.append(.star)
            case UInt8(ascii: "!"):
                if tokens.last != .star { tokens.append(.star) }
            case UInt8(ascii: "["):
                tokens.append(.one(try set(body, &i)))
            case UInt8(ascii: "]"):
                throw PatternError("']' without a matching '['")
            default:
                throw PatternError(
                    "'\(describe(c))' is not allowed in a pattern; use digits, + * #, X Z N, [1-5], . and !")
            }
        }
        return tokens
    }

    /// Parses a set after its "[" up to and including "]": digits and ranges such as "1-5".
    private static func set(_ body: Substring.UTF8View, _ i: inout Substring.Index) throws(PatternError) -> UInt64 {
        var mask: UInt64 = 0
        var pending: UInt8?  // the last digit, which a "-" may turn into a range start
        while i != body.endIndex {
            let c = body[i]
            body.formIndex(after: &i)
            switch c {
            case UInt8(ascii: "]"):
                guard mask != 0 else { throw PatternError("empty set '[]'") }
                return mask
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                mask |= bit(c)
                pending = c
            case UInt8(ascii: "-"):
                guard let low = pending, i != body.endIndex,
                    case let high = body[i], (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(high)
                else { throw PatternError("a range in [...] needs a digit on both sides of '-', as in [1-5]") }
                body.formIndex(after: &i)
                guard low <= high else {
                    throw PatternError(
                        "range '\(describe(low))-\(describe(high))' runs backwards; write [\(describe(high))-\(describe(low))]")
                }
                mask |= digits((low - UInt8(ascii: "0"))...(high - UInt8(ascii: "0")))
                pending = nil
            case UInt8(ascii: "["):
                throw PatternError("sets cannot be nested: '[' inside [...]")
            default:
                throw PatternError("'\(describe(c))' is not allowed in [...]; use digits and ranges such as [1-5]")
            }
        }
        throw PatternError("'[' without a matching ']'")
    }

    static func describe(_ c: UInt8) -> String {
        c >= 32 && c < 127 ? String(UnicodeScalar(c)) : "non-ASCII character"
    }
}
