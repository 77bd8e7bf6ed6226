import Testing

@testable import Dialplan

@Suite struct ConditionValidationTests {
    func errors(_ input: RuleInput) -> [FieldError] {
        if case .failure(let failure) = RuleValidation.conditions(input) { return failure.errors }
        return []
    }

    func fields(_ input: RuleInput) -> [String] { errors(input).map(\.field) }

    @Test func aFullValidInputParses() throws {
        let input = RuleInput(
            caller: "_06XXXXXXXX", callee: "+31201234567", days: ["fri", "MON", "wed"],
            timeFrom: "22:00", timeTo: "06:00", dateFrom: "2026-12-24", dateTo: "2026-12-26")
        let conditions = try RuleValidation.conditions(input).get()
        #expect(conditions.caller?.text == "_06XXXXXXXX")
        #expect(conditions.callee?.text == "+31201234567")
        #expect(conditions.days == [.mon, .wed, .fri])
        #expect(conditions.timeFrom == TimeOfDay("22:00") && conditions.timeTo == TimeOfDay("06:00"))
        #expect(conditions.dateFrom == LocalDate("2026-12-24") && conditions.dateTo == LocalDate("2026-12-26"))
    }

    @Test func absentAndEmptyMeanNoCondition() throws {
        #expect(try RuleValidation.conditions(RuleInput()).get() == Conditions())
        let blank = RuleInput(caller: "", callee: "", days: [], timeFrom: "", timeTo: "", dateFrom: "", dateTo: "")
        #expect(try RuleValidation.conditions(blank).get() == Conditions())
    }

    @Test func everyBadFieldIsReported() {
        let input = RuleInput(
            caller: "^.*$", callee: "_[5-1]", days: ["mon", "funday", "mon"],
            timeFrom: "25:00", timeTo: "9am", dateFrom: "2026-02-30", dateTo: "tomorrow")
        #expect(
            fields(input) == [
                "conditions.caller", "conditions.callee", "conditions.days[1]", "conditions.days[2]",
                "conditions.time_from", "conditions.time_to", "conditions.date_from", "conditions.date_to",
            ])
        #expect(errors(input)[2].message.contains("funday"))
        #expect(errors(input)[3].message.contains("twice"))
    }

    @Test func halfATimeWindowNamesTheMissingEnd() {
        #expect(fields(RuleInput(timeFrom: "09:00")) == ["conditions.time_to"])
        #expect(fields(RuleInput(timeTo: "17:00")) == ["conditions.time_from"])
        #expect(fields(RuleInput(timeFrom: "bad")) == ["conditions.time_from", "conditions.time_to"])
    }

    @Test func equalTimesAreAnEmptyWindow() {
        let e = errors(RuleInput(timeFrom: "09:00", timeTo: "09:00"))
        #expect(e.map(\.field) == ["conditions.time_to"])
        #expect(e.first?.message.contains("empty") == true)
    }

    @Test func dateRangeMustNotRunBackwards() {
        #expect(fields(RuleInput(dateFrom: "2026-12-26", dateTo: "2026-12-24")) == ["conditions.date_to"])
        #expect(fields(RuleInput(dateFrom: "2026-12-24", dateTo: "2026-12-24")) == [])
        #expect(fields(RuleInput(dateTo: "2026-12-24")) == [])
    }

    @Test func hangupStatus() {
        #expect(RuleValidation.hangupStatus(nil) == nil)
        #expect(RuleValidation.hangupStatus(400) == nil)
        #expect(RuleValidation.hangupStatus(603) == nil)
        #expect(RuleValidation.hangupStatus(699) == nil)
        #expect(RuleValidation.hangupStatus(399)?.field == "action.sip_status")
        #expect(RuleValidation.hangupStatus(200)?.field == "action.sip_status")
        #expect(RuleValidation.hangupStatus(700)?.field == "action.sip_status")
    }
}

@Suite struct ForwardTargetValidationTests {
    func target(_ raw: String?, _ mode: ForwardMode = .bridge, country: String? = "NL") -> Result<String, ValidationFailure> {
        RuleValidation.forwardTarget(raw, mode: mode, defaultCountry: country)
    }

    func field(_ result: Result<String, ValidationFailure>) -> String? {
        if case .failure(let f) = result { return f.errors.first?.field }
        return nil
    }

    @Test func numbersAreNormalised() throws {
        #expect(try target("020 1234567").get() == "+31201234567")
        #expect(try target(" +31 20 123 4567 ", .refer).get() == "+31201234567")
        #expect(try target("tel:+31201234567").get() == "+31201234567")
        #expect(try target("(212) 555-0123", country: "US").get() == "+12125550123")
    }

    @Test func badNumbersFailOnTheTarget() {
        #expect(field(target(nil)) == "action.target")
        #expect(field(target("")) == "action.target")
        #expect(field(target("call bob")) == "action.target")
        #expect(field(target("0201234567", country: nil)) == "action.target")
        #expect(field(target("123")) == "action.target")
    }

    @Test(arguments: [
        "sip:bob@pbx.example.com", "sip:bob@pbx.example.com:5060", "sip:+31201234567@10.0.0.1",
        "sip:alice@[2001:db8::1]:5061", "SIP:bob@example.com;transport=tcp", "sip:a.b-c_d@host",
    ])
    func sipURIsWorkWithRefer(uri: String) throws {
        let result = try target(uri, .refer).get()
        #expect(result.hasPrefix("sip:"))
        #expect(result.dropFirst(4) == uri.dropFirst(4))
    }

    @Test func sipURIsNeedModeRefer() {
        guard case .failure(let f) = target("sip:bob@example.com", .bridge) else {
            Issue.record("bridge to a sip: URI was accepted")
            return
        }
        #expect(f.errors.map(\.field) == ["action.mode"])
        #expect(f.errors[0].message.contains("refer"))
    }

    @Test(arguments: [
        "sip:", "sip:bob", "sip:@example.com", "sip:bob@", "sip:bob@exa mple.com", "sip:bob@host:0",
        "sip:bob@host:70000", "sip:bob@host:50:60", "sip:bob@-host", "sip:bob@[::1", "sip:b<o>b@host",
        "sips:bob@example.com", "sip:bob@host..com",
    ])
    func malformedSIPURIsFailOnTheTarget(uri: String) {
        #expect(field(target(uri, .refer)) == "action.target")
    }
}
