import Testing

@testable import Dialplan

@Suite struct PatternErrorTests {
    @Test(arguments: [
        "", "_", "_abc", "_[", "_[]", "_[5-1]", "^.*$", "(", "_1]", "_[1-]", "_[-1]", "_[1-5",
        "_[[1]]", "_[X]", "_0{3}", "_0|1", "_\\d+", "_0?", "_ 1", "alice smith", "+31 20",
        "a$", "_é", "caf\u{E9}", "(020)",
    ])
    func invalidPatternsAreRefused(text: String) {
        #expect(throws: PatternError.self) { try Pattern(text) }
    }

    @Test func messagesSayWhatIsWrong() {
        func message(_ text: String) -> String {
            do {
                _ = try Pattern(text)
                return ""
            } catch { return error.message }
        }
        #expect(message("") == "pattern is empty")
        #expect(message("_") == "a pattern needs something after '_'")
        #expect(message("_[]") == "empty set '[]'")
        #expect(message("_[5-1]").contains("runs backwards"))
        #expect(message("_[12").contains("without a matching ']'"))
        #expect(message("_abc").contains("'a' is not allowed in a pattern"))
        #expect(message("^.*$").contains("start a pattern with '_'"))
    }

    @Test func lengthIsBounded() throws {
        _ = try Pattern("_" + String(repeating: "X", count: 255))
        #expect(throws: PatternError.self) { try Pattern("_" + String(repeating: "X", count: 256)) }
    }

    @Test(arguments: [
        "_X", "_0.", "_0!", "_[1-5]XX", "_[0-9]", "_[5-5]", "_NXXNXXXXXX", "_+31.", "_*#+",
        "+31201234567", "alice", "101", "anonymous", "bob.smith@example", "*97", "#1", "a_b-c",
    ])
    func validPatternsCompile(text: String) throws {
        #expect(try Pattern(text).text == text)
    }
}
