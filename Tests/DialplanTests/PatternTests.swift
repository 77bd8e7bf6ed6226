import Testing

@testable import Dialplan

@Suite struct PatternMatchingTests {
    @Test(arguments: [
        ("_X", "5", true), ("_X", "55", false), ("_X", "", false), ("_X", "a", false),
        ("_0.", "0", false), ("_0.", "01", true), ("_0.", "0abc", true), ("_0.", "10", false),
        ("_0!", "0", true), ("_0!", "0123", true), ("_0!", "1", false),
        ("_[1-5]XX", "100", true), ("_[1-5]XX", "599", true), ("_[1-5]XX", "600", false), ("_[1-5]XX", "10", false),
        ("_[137]", "3", true), ("_[137]", "2", false), ("_[1-35-7]", "6", true), ("_[1-35-7]", "4", false),
        ("_NXXNXXXXXX", "2125550123", true), ("_NXXNXXXXXX", "1125550123", false),
        ("_NXXNXXXXXX", "2121550123", false), ("_ZX", "10", true), ("_ZX", "01", false),
        ("_nxx", "200", true), ("_zX", "90", true), ("_x", "7", true),
        ("_+31.", "+31201234567", true), ("_+31.", "+31", false), ("_+31.", "+32201234567", false),
        ("_*XX#", "*72#", true), ("_*XX#", "*72", false),
        ("_06XXXXXXXX", "0612345678", true), ("_06XXXXXXXX", "+31612345678", false),
        ("_.", "x", true), ("_!", "", false), ("_!", "abc", true), ("_.5", "5", false), ("_.5", "55", true),
        ("_!5!", "5", true), ("_X.X", "12", false), ("_X.X", "123", true), ("_!0!0!", "1000", true),
        ("_.!.", "ab", true), ("_.!.", "a", false), ("_!12", "x12", true), ("_!12", "1112", true),
        ("_!12", "x121", false), ("_!5!", "abc5", true), ("_0.0", "0a0b0", true), ("_0.0", "0a0b", false),
    ])
    func patternMatchesWholeValue(pattern text: String, value: String, expected: Bool) {
        #expect(pattern(text).matches(value) == expected)
    }

    @Test(arguments: [
        ("+31201234567", "+31201234567", true), ("+31201234567", "+312012345678", false),
        ("+31201234567", "31201234567", false), ("alice", "alice", true), ("alice", "Alice", false),
        ("101", "101", true), ("101", "1010", false), ("a.b*c", "a.b*c", true), ("a.b*c", "axb*c", false),
        ("bob_smith-2@pbx", "bob_smith-2@pbx", true),
    ])
    func bareStringsAreExactCaseSensitiveMatches(pattern text: String, value: String, expected: Bool) {
        #expect(pattern(text).matches(value) == expected)
    }

    @Test func dotAndBangMatchAnyCharacterIncludingNonASCII() {
        #expect(pattern("_0.").matches("0é"))
        #expect(pattern("_!").matches("日本"))
        #expect(!pattern("_X").matches("é"))
    }

    @Test func longBacktrackingValuesStayCorrect() {
        let value = String(repeating: "0", count: 200) + "1"
        #expect(pattern("_!0!0!0!0!1").matches(value))
        #expect(!pattern("_!0!0!0!0!2").matches(value))
    }

    @Test func equalityAndDescriptionFollowTheText() {
        #expect(pattern("_XX") == pattern("_XX"))
        #expect(pattern("_XX") != pattern("_xx"))
        #expect(pattern("_XX").description == "_XX")
        #expect(Set([pattern("101"), pattern("101")]).count == 1)
    }
}

@Suite struct WithheldCallerTests {
    @Test(arguments: [nil, "", "anonymous", "Anonymous", "ANONYMOUS"] as [String?])
    func onlyAnonymousMatchesAWithheldCaller(value: String?) {
        #expect(pattern("anonymous").matches(value))
        #expect(pattern("ANONYMOUS").matches(value))
        #expect(!pattern("_!").matches(value))
        #expect(!pattern("_.").matches(value))
        #expect(!pattern("_X!").matches(value))
        #expect(!pattern("alice").matches(value))
    }

    @Test func anonymousDoesNotMatchAPresentedNumber() {
        #expect(!pattern("anonymous").matches("+31612345678"))
        #expect(!pattern("anonymous").matches("anonymous1"))
    }

    @Test func withheldCallerInARulePlan() {
        let anyNumber = Conditions(caller: pattern("_!"))
        let anonymous = Conditions(caller: pattern("anonymous"))
        let noCaller = Conditions()
        let at = instant("2026-06-17T08:30:00Z")
        for caller in [nil, "", "Anonymous"] as [String?] {
            #expect(!holds(anyNumber, at: at, caller: caller))
            #expect(holds(anonymous, at: at, caller: caller))
            #expect(holds(noCaller, at: at, caller: caller))
        }
        #expect(holds(anyNumber, at: at, caller: "+31612345678"))
        #expect(!holds(anonymous, at: at, caller: "+31612345678"))
    }
}
