extension CompiledPlan {
    /// Every condition of a non-matching rule that fails, in plain English.
    func explain(_ rule: Rule, _ compiled: CompiledRule, _ m: LocalMoment, _ facts: CallFacts) -> String {
        guard rule.enabled else { return "disabled" }
        let c = rule.conditions
        var reasons: [String] = []
        if let pattern = c.caller, !pattern.matches(facts.caller) {
            reasons.append("caller \(Self.shown(facts.caller)) does not match \(pattern.text)")
        }
        if let pattern = c.callee, !pattern.matches(facts.callee) {
            reasons.append("callee \(Self.shown(facts.callee)) does not match \(pattern.text)")
        }
        if !compiled.dayHolds(m) {
            let days = (c.days ?? []).map(\.rawValue).joined(separator: ",")
            reasons.append("not on \(days) (today is \(Weekday.allCases[m.weekdayIndex].rawValue))")
        }
        if !compiled.windowHolds(m) {
            let from = c.timeFrom?.string ?? "00:00"
            let to = c.timeTo?.string ?? "24:00"
            let empty = from == to ? ", an empty window" : ""
            reasons.append("outside \(from)-\(to)\(empty) (now \(m.timeString) \(timeZone.identifier))")
        }
        if !compiled.datesHold(m) {
            let range =
                switch (c.dateFrom, c.dateTo) {
                case let (from?, to?): "\(from) to \(to)"
                case let (from?, nil): "from \(from)"
                case let (nil, to?): "until \(to)"
                case (nil, nil): "any date"
                }
            reasons.append("outside dates \(range) (today is \(m.dateString))")
        }
        if let s = c.schedule, !s.holds(m) {
            let now = "now \(m.weekday.rawValue) \(m.dateString) \(m.timeString) \(timeZone.identifier)"
            switch s.when {
            case .during:
                let why = s.schedule.isHoliday(m) ? "a holiday" : "outside its hours"
                reasons.append("not during \(s.name): \(why) (\(now))")
            case .outside: reasons.append("not outside \(s.name): open (\(now))")
            case .holiday: reasons.append("not a holiday of \(s.name) (today is \(m.dateString))")
            }
        }
        return reasons.isEmpty ? "conditions do not hold" : reasons.joined(separator: "; ")
    }

    private static func shown(_ value: String?) -> String {
        guard let value, !value.isEmpty, !Pattern.isAnonymous(value.utf8) else { return "(withheld)" }
        return value
    }
}
