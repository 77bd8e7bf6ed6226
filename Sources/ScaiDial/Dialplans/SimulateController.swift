import Dialplan
import FluentKit
import Foundation
import Hummingbird
import SQLKit

/// `POST …/dialplans/{id}/simulate`: which rule a call from/to/at would hit, and why.
struct SimulateController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.post("/dialplans/:dialplan_id/simulate", use: simulate)
    }

    struct TraceDTO: Encodable, Sendable { let ruleId: UUID; let ruleName: String; let matched: Bool; let reason: String }
    struct ResultDTO: ResponseEncodable, Sendable {
        @Nullable var ruleId: UUID?
        @Nullable var ruleName: String?
        @Nullable var action: RuleDTO.Action?
        /// What happens to the call: `route` when a rule matched, `reject` (SIP 480) when none did.
        let outcome: String
        @Nullable var sipStatus: Int?
        @Nullable var from: String?
        let to: String
        let at: Date
        let localTime: String
        let trace: [TraceDTO]
    }

    @Sendable func simulate(_ request: Request, context: TenantAdminContext) async throws -> ResultDTO {
        let db = services.db
        let scope = context.scope
        let plan = try await DialplanController.find(context, scope, db)
        let input = try await request.jsonObject(context: context)
        let fromRaw = input.string("from", maxLength: 64)
        let toRaw = input.string("to", required: true, maxLength: 64)
        var at = services.config.clock.now
        if let raw = input.string("at", maxLength: 40) {
            if let parsed = Timestamps.parse(raw) {
                at = parsed
            } else {
                input.fail("at", "must be an RFC 3339 timestamp such as 2026-03-29T09:30:00+02:00")
            }
        }
        try input.errors.check()
        guard let tenant = try await TenantModel.find(scope.tenantID, on: db), let toRaw else { throw Problem.notFound("tenant") }
        let timeZone = TimeZone(identifier: tenant.timezone) ?? .gmt
        let rows = try await DialplanController.rules(of: plan, scope, db)
        let from = fromRaw.map { CallerNumber.forMatching($0, country: tenant.country) }
        let to = CallerNumber.forMatching(toRaw, country: tenant.country)
        // Compiled off the request threads, as on the call path (a plan may have 10,000 rules).
        let schedules = try await ScheduleStore.referenced(by: rows, tenant: scope.tenantID, on: db)
        let compiled = try await services.config.compilingPool.run {
            CompiledPlan(rules: rows.map { $0.toRule(schedules: schedules) }, timeZone: timeZone)
        }
        let decision = compiled.evaluate(CallFacts(caller: from, callee: to, at: at))
        // Remembered for the set-up checklist (a plain UPDATE: the rules' version stays).
        try await (try db.sql()).update(DialplanModel.schema).set("simulated_at", to: SQLBind(services.config.clock.now))
            .where("id", .equal, try plan.requireID()).run()
        let names = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.requireID(), $0) })
        let winner = decision.rule.flatMap { names[$0.id] }
        return ResultDTO(
            ruleId: winner?.id, ruleName: winner?.name, action: try winner.map { try RuleDTO($0).action },
            outcome: winner == nil ? "reject" : "route", sipStatus: winner == nil ? 480 : nil,
            from: from, to: to, at: at, localTime: Timestamps.local(at, in: timeZone),
            trace: decision.trace.map {
                TraceDTO(ruleId: $0.ruleID, ruleName: names[$0.ruleID]?.name ?? "", matched: $0.matched, reason: $0.reason)
            })
    }
}

/// Numbers as rules see them: E.164 when the value is a phone number, otherwise as given
/// (SIP user names such as `alice`, withheld callers as `anonymous`).
enum CallerNumber {
    static func forMatching(_ raw: String, country: String) -> String {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "anonymous" { return "anonymous" }
        return (try? E164.normalize(trimmed, defaultCountry: country)) ?? trimmed
    }
}

enum Timestamps {
    static func parse(_ raw: String) -> Date? {
        let f = ISO8601DateFormatter()
        if let d = f.date(from: raw) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: raw)
    }

    /// "2026-03-29 09:30 Sun (Europe/Amsterdam, UTC+02:00)" for the simulator's answer.
    static func local(_ date: Date, in zone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = zone
        f.dateFormat = "yyyy-MM-dd HH:mm EEE"
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        return
            "\(f.string(from: date)) (\(zone.identifier), UTC\(sign)\(String(format: "%02d:%02d", abs(offset) / 3600, abs(offset) % 3600 / 60)))"
    }
}
