/// A pattern that could not be compiled, with a message for the person who wrote it.
public struct PatternError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// A caller or called-number condition in the telephony pattern language (spec §3).
///
/// - A leading `_` makes a pattern: digits, `+ * #`, `X` (any digit), `Z` (1-9), `N` (2-9) in either
///   case, sets of digits and ranges such as `[1-5]` or `[137]`, `.` (one or more of anything) and
///   `!` (zero or more of anything). `.` and `!` match any character, not only digits.
///   `_0.` matches "01" but not "0"; `_0!` matches "0" too.
/// - `anonymous` (any case) matches a withheld caller, and nothing else.
/// - Anything else is an exact, case-sensitive match of a number or SIP user name made of letters,
///   digits and `+ * # . _ - @` (`.` and `*` are literal here).
///
/// A pattern always matches the whole value. A withheld value (nil, "" or "anonymous" in any case)
/// is matched only by `anonymous`: not even `_!` matches it, so a withheld caller never slips into a
/// rule written for numbers. Values are compared as given: normalise numbers before matching.
/// No regular expressions are accepted; patterns are limited to 256 characters.
public struct Pattern: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case anonymous
        case exact([UInt8])
        case pattern(CompiledPattern)
    }

    /// The pattern as written.
    public let text: String
    let kind: Kind

    /// Compiles `text`; throws a `PatternError` with a human message when it is not a valid pattern.
    public init(_ text: String) throws(PatternError) {
        self.text = text
        let utf8 = text.utf8
        guard !utf8.isEmpty else { throw PatternError("pattern is empty") }
        guard utf8.count <= PatternCompiler.maxLength else {
            throw PatternError("pattern is longer than \(PatternCompiler.maxLength) characters")
        }
        if utf8.first == UInt8(ascii: "_") {
            kind = .pattern(CompiledPattern(try PatternCompiler.compile(text.dropFirst().utf8)))
        } else if Self.isAnonymous(utf8) {
            kind = .anonymous
        } else {
            for c in utf8 where !Self.isExactCharacter(c) {
                throw PatternError(
                    "'\(PatternCompiler.describe(c))' is not allowed in an exact match (letters, digits, + * # . _ - @); "
                        + "start a pattern with '_'")
            }
            kind = .exact(Array(utf8))
        }
    }

    /// True when `value` matches; see the type's documentation for withheld callers.
    public func matches(_ value: String?) -> Bool {
        guard var value else { return matches(nil as UnsafeBufferPointer<UInt8>?) }
        return value.withUTF8 { matches(Self.isWithheld($0) ? nil : $0) }
    }

    /// Hot-path match on bytes; nil stands for a withheld value.
    @inline(__always)
    func matches(_ bytes: UnsafeBufferPointer<UInt8>?) -> Bool {
        switch kind {
        case .anonymous: return bytes == nil
        case .exact(let exact):
            guard let bytes, bytes.count == exact.count else { return false }
            return exact.withUnsafeBufferPointer { $0.elementsEqual(bytes) }
        case .pattern(let compiled):
            guard let bytes else { return false }
            return compiled.matches(bytes)
        }
    }

    public var description: String { text }

    public static func == (a: Pattern, b: Pattern) -> Bool { a.text == b.text }
    public func hash(into hasher: inout Hasher) { hasher.combine(text) }

    /// nil-free test for a withheld value: "" or "anonymous" in any case.
    static func isWithheld(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.isEmpty || isAnonymous(bytes)
    }

    static func isAnonymous<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        guard bytes.count == 9 else { return false }
        return zip(bytes, "anonymous".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    private static func isExactCharacter(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "+*#._-@".utf8.contains(c)
        }
    }
}
