import Dialplan
import FluentKit
import Foundation

/// Reads a rule from a request body into a row, validating conditions with the `Dialplan`
/// target and checking that the action's extension belongs to the tenant.
final class RuleWriter {
    let scope: TenantScope
    let db: any Database
    /// Extensions looked up already: a dialplan saved with 10,000 rules names the same few.
    private var extensions: [UUID: ExtensionModel?] = [:]
    /// Schedules looked up already.
    private var schedules: [UUID: Bool] = [:]
    /// The tenant's outbound policy, read once: forward targets must obey it.
    private var policy: OutboundPolicy?

    init(scope: TenantScope, db: any Database) {
        self.scope = scope
        self.db = db
    }

    private func outboundPolicy() async throws -> OutboundPolicy {
        if let policy { return policy }
        guard let tenant = try await TenantModel.find(scope.tenantID, on: db) else { throw Problem.notFound("tenant") }
        let loaded = OutboundPolicy(tenant)
        policy = loaded
        return loaded
    }

    private func findExtension(_ id: UUID) async throws -> ExtensionModel? {
        if let known = extensions[id] { return known }
        let found = try await ExtensionModel.scoped(scope, on: db).filter(\.$id == id).first()
        extensions[id] = found
        return found
    }

    /// `conditions` and `action`, when present, replace the rule's whole condition set / action.
    func apply(_ input: Input, to rule: RuleModel, creating: Bool) async throws {
        if let p = input.int("priority", required: creating, in: 0...1_000_000) { rule.priority = p }
        if let n = input.string("name", maxLength: 100) {
            rule.name = n
        } else if creating {
            rule.name = "Rule \(rule.$priority.value ?? 0)"
        }
        if let e = input.bool("enabled") { rule.enabled = e }
        if let c = input.object("conditions") {
            applyConditions(c, to: rule)
            try await applySchedule(c, to: rule)
        }
        if let a = input.object("action", required: creating) { try await applyAction(a, to: rule) }
    }

    private func applyConditions(_ c: Input, to rule: RuleModel) {
        let raw = RuleInput(
            caller: c.string("caller", maxLength: 64), callee: c.string("callee", maxLength: 64),
            days: c.stringArray("days", maxCount: 7), timeFrom: c.string("time_from", maxLength: 5),
            timeTo: c.string("time_to", maxLength: 5), dateFrom: c.string("date_from", maxLength: 10),
            dateTo: c.string("date_to", maxLength: 10))
        switch RuleValidation.conditions(raw) {
        case .failure(let failure):
            for e in failure.errors { c.errors.add(String(c.prefix.dropLast("conditions".count)) + e.field, e.message) }
        case .success:
            rule.caller = raw.caller
            rule.callee = raw.callee
            rule.days = raw.days.map { $0.map { $0.lowercased() }.joined(separator: ",") }
            rule.timeFrom = raw.timeFrom
            rule.timeTo = raw.timeTo
            rule.dateFrom = raw.dateFrom
            rule.dateTo = raw.dateTo
        }
    }

    /// `schedule_id` and `schedule_when` come together: a named schedule of this tenant and the side
    /// of it wanted. Absent (as every condition), the rule has no schedule.
    private func applySchedule(_ c: Input, to rule: RuleModel) async throws {
        let id = c.uuid("schedule_id")
        let when = c.choice("schedule_when", ScheduleWhen.self)
        rule.scheduleID = nil
        rule.scheduleWhen = nil
        if c.has("schedule_id") != c.has("schedule_when") {
            if c.has("schedule_id") {
                c.fail("schedule_when", "is required with schedule_id (during, outside or holiday)")
            } else {
                c.fail("schedule_id", "is required with schedule_when")
            }
            return
        }
        guard let id, let when else { return }  // absent, or its error is reported already
        let known: Bool
        if let cached = schedules[id] {
            known = cached
        } else {
            known = try await ScheduleModel.scoped(scope, on: db).filter(\.$id == id).count() > 0
            schedules[id] = known
        }
        guard known else { c.fail("schedule_id", "no such schedule in this tenant"); return }
        rule.scheduleID = id
        rule.scheduleWhen = when.rawValue
    }

    private func applyAction(_ a: Input, to rule: RuleModel) async throws {
        guard let type = a.choice("type", ActionType.self, required: true) else { return }
        rule.actionType = type.rawValue
        rule.actionExtensionID = nil
        rule.actionTarget = nil
        rule.actionMode = nil
        rule.actionSIPStatus = nil
        switch type {
        case .ringExtension, .voicemail:
            guard let id = a.uuid("extension_id", required: true) else { return }
            guard let ext = try await findExtension(id) else {
                a.fail("extension_id", "no such extension in this tenant"); return
            }
            if type == .voicemail && !ext.voicemailEnabled { a.fail("extension_id", "extension \(ext.number) has voicemail disabled") }
            rule.actionExtensionID = id
        case .forward:
            let mode = a.choice("mode", ForwardMode.self) ?? .bridge
            rule.actionMode = mode.rawValue
            let target = a.string("target", required: true, maxLength: 200)
            if target == nil { return }
            switch RuleValidation.forwardTarget(target, mode: mode, defaultCountry: scope.country) {
            case .success(let normalised):
                rule.actionTarget = normalised
                // A call that leaves the platform obeys the tenant's outbound policy (checked again
                // when it is dialled: the policy may change after the rule was saved).
                if let refusal = try await outboundPolicy().refusal(forwardingTo: normalised), let detail = refusal.problem.detail {
                    a.fail("target", detail)
                }
            case .failure(let failure):
                for e in failure.errors { a.errors.add(String(a.prefix.dropLast("action".count)) + e.field, e.message) }
            }
        case .hangup:
            let status = a.int("sip_status", in: 0...999)
            if let error = RuleValidation.hangupStatus(status) {
                a.errors.add(String(a.prefix.dropLast("action".count)) + error.field, error.message)
            }
            rule.actionSIPStatus = status
        }
    }
}
