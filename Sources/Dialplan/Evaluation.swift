import Foundation

/// What is known of a call when the dialplan runs.
public struct CallFacts: Sendable {
    /// The caller's number or SIP user; nil, "" or "anonymous" (any case) means withheld.
    public var caller: String?
    /// The called number (the DID).
    public var callee: String
    /// The instant of the call; schedules read it in the plan's time zone.
    public var at: Date

    public init(caller: String?, callee: String, at: Date) {
        self.caller = caller
        self.callee = callee
        self.at = at
    }
}

/// Why one rule did or did not match, in plain English.
public struct TraceEntry: Sendable, Equatable {
    public let ruleID: UUID
    public let matched: Bool
    /// "disabled", "all conditions hold", or each failing condition joined by "; ", such as
    /// "caller +31612345678 does not match _06XXXXXXXX" or "outside 09:00-17:00 (now 18:12 Europe/Amsterdam)".
    public let reason: String

    public init(ruleID: UUID, matched: Bool, reason: String) {
        self.ruleID = ruleID
        self.matched = matched
        self.reason = reason
    }
}

/// The outcome of a dialplan: the winning rule (nil: no route) and how it was found.
public struct Decision: Sendable, Equatable {
    public let rule: Rule?
    public let trace: [TraceEntry]

    public init(rule: Rule?, trace: [TraceEntry]) {
        self.rule = rule
        self.trace = trace
    }
}

/// A dialplan prepared for fast, repeated evaluation in one tenant time zone.
public struct CompiledPlan: Sendable {
    /// The rules in evaluation order: priority ascending, ties in input order.
    public let rules: [Rule]
    public let timeZone: TimeZone
    let compiled: [CompiledRule]

    public init(rules: [Rule], timeZone: TimeZone) {
        self.rules = rules.enumerated()
            .sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }
            .map(\.element)
        self.timeZone = timeZone
        self.compiled = self.rules.map(CompiledRule.init)
    }

    /// The first matching enabled rule, with a trace entry for every rule examined up to and
    /// including the winner (rules after it are not examined); all rules when none matches.
    public func evaluate(_ facts: CallFacts) -> Decision {
        let moment = LocalMoment(facts.at, in: timeZone)
        var trace: [TraceEntry] = []
        let winner = withBytes(of: facts) { caller, callee -> Rule? in
            for (rule, compiled) in zip(rules, compiled) {
                let matched = compiled.holds(moment, caller: caller, callee: callee)
                let reason = matched ? "all conditions hold" : explain(rule, compiled, moment, facts)
                trace.append(TraceEntry(ruleID: rule.id, matched: matched, reason: reason))
                if matched { return rule }
            }
            return nil
        }
        return Decision(rule: winner, trace: trace)
    }

    /// The first matching enabled rule, or nil. The hot path: no trace, no allocation per rule.
    public func firstMatch(_ facts: CallFacts) -> Rule? {
        let moment = LocalMoment(facts.at, in: timeZone)
        let index = withBytes(of: facts) { caller, callee -> Int? in
            compiled.withUnsafeBufferPointer { rules in
                for i in rules.indices where rules[i].holds(moment, caller: caller, callee: callee) { return i }
                return nil
            }
        }
        return index.map { rules[$0] }
    }

    /// Runs `body` with the UTF-8 bytes of caller and callee; nil for a withheld value.
    private func withBytes<T>(
        of facts: CallFacts,
        _ body: (UnsafeBufferPointer<UInt8>?, UnsafeBufferPointer<UInt8>?) -> T
    ) -> T {
        var caller = facts.caller ?? ""
        var callee = facts.callee
        return caller.withUTF8 { callerBytes in
            callee.withUTF8 { calleeBytes in
                body(
                    Pattern.isWithheld(callerBytes) ? nil : callerBytes,
                    Pattern.isWithheld(calleeBytes) ? nil : calleeBytes)
            }
        }
    }
}
