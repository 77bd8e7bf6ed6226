import Foundation

@testable import Dialplan

/// An instant from an RFC 3339 timestamp with an explicit offset, e.g. "2026-10-25T00:30:00Z".
func instant(_ rfc3339: String) -> Date {
    let formatter = ISO8601DateFormatter()
    guard let date = formatter.date(from: rfc3339) else { fatalError("bad timestamp \(rfc3339)") }
    return date
}

func zone(_ identifier: String) -> TimeZone {
    guard let tz = TimeZone(identifier: identifier) else { fatalError("unknown zone \(identifier)") }
    return tz
}

func pattern(_ text: String) -> Pattern {
    do { return try Pattern(text) } catch { fatalError("bad pattern \(text): \(error.message)") }
}

let amsterdam = zone("Europe/Amsterdam")
let newYork = zone("America/New_York")

/// A one-rule plan, to ask whether `conditions` hold at an instant.
func holds(
    _ conditions: Conditions, at date: Date, in tz: TimeZone = amsterdam,
    caller: String? = "+31612345678", callee: String = "+31201234567"
) -> Bool {
    let plan = CompiledPlan(
        rules: [Rule(priority: 1, conditions: conditions, action: .hangup(sipStatus: nil))],
        timeZone: tz)
    let facts = CallFacts(caller: caller, callee: callee, at: date)
    let fast = plan.firstMatch(facts) != nil
    let traced = plan.evaluate(facts).rule != nil
    precondition(fast == traced, "firstMatch and evaluate disagree")
    return fast
}

/// How many whole minutes in [start, start + hours) the conditions hold.
func matchingMinutes(_ conditions: Conditions, from start: Date, hours: Int, in tz: TimeZone) -> Int {
    (0..<(hours * 60)).filter { holds(conditions, at: start.addingTimeInterval(Double($0 * 60)), in: tz) }.count
}
