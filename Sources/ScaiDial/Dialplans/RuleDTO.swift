import Dialplan
import Foundation
import Hummingbird

struct RuleDTO: ResponseEncodable, Sendable {
    struct Conditions: Encodable, Sendable {
        @Nullable var caller: String?
        @Nullable var callee: String?
        @Nullable var days: [String]?
        @Nullable var timeFrom: String?
        @Nullable var timeTo: String?
        @Nullable var dateFrom: String?
        @Nullable var dateTo: String?
        @Nullable var scheduleId: UUID?
        @Nullable var scheduleWhen: String?
    }
    struct Action: Encodable, Sendable {
        let type: String
        @Nullable var extensionId: UUID?
        @Nullable var target: String?
        @Nullable var mode: String?
        @Nullable var sipStatus: Int?
    }
    let id: UUID
    let priority: Int
    let name: String
    let enabled: Bool
    let conditions: Conditions
    let action: Action

    init(_ r: RuleModel) throws {
        id = try r.requireID()
        priority = r.priority
        name = r.name
        enabled = r.enabled
        conditions = Conditions(
            caller: r.caller, callee: r.callee, days: r.days.map { $0.split(separator: ",").map(String.init) },
            timeFrom: r.timeFrom, timeTo: r.timeTo, dateFrom: r.dateFrom, dateTo: r.dateTo, scheduleId: r.scheduleID,
            scheduleWhen: r.scheduleWhen)
        action = Action(
            type: r.actionType, extensionId: r.actionExtensionID, target: r.actionTarget,
            mode: r.actionMode, sipStatus: r.actionSIPStatus)
    }
}

extension RuleDTO {
    /// The rule as `JSONCoding.encoder` writes it (sorted keys, snake_case, nulls written), by hand:
    /// a 10,000-rule plan is answered in tens of milliseconds instead of half a second of the
    /// general encoder (issue 14, item 1). `DialplanJSONTests` holds the two outputs equal.
    var json: String {
        var out = ""
        write(into: &out)
        return out
    }

    func write(into out: inout String) {
        func member(_ key: String, _ value: String?, first: Bool = false) {
            out += first ? "\"\(key)\":" : ",\"\(key)\":"
            if let value { JSONWriter.quote(value, into: &out) } else { out += "null" }
        }
        out += "{\"action\":{"
        member("extension_id", action.extensionId?.uuidString, first: true)
        member("mode", action.mode)
        out += ",\"sip_status\":" + (action.sipStatus.map(String.init) ?? "null")
        member("target", action.target)
        member("type", action.type)
        out += "},\"conditions\":{"
        member("callee", conditions.callee, first: true)
        member("caller", conditions.caller)
        member("date_from", conditions.dateFrom)
        member("date_to", conditions.dateTo)
        if let days = conditions.days {
            out += ",\"days\":["
            for (i, day) in days.enumerated() {
                if i > 0 { out += "," }
                JSONWriter.quote(day, into: &out)
            }
            out += "]"
        } else {
            out += ",\"days\":null"
        }
        member("schedule_id", conditions.scheduleId?.uuidString)
        member("schedule_when", conditions.scheduleWhen)
        member("time_from", conditions.timeFrom)
        member("time_to", conditions.timeTo)
        out += "},\"enabled\":" + (enabled ? "true" : "false")
        member("id", id.uuidString)
        member("name", name)
        out += ",\"priority\":\(priority)}"
    }

    /// `[rule,rule,…]`, written into one string.
    static func jsonArray(_ rules: [RuleDTO]) -> String {
        var out = "["
        out.reserveCapacity(rules.count * 360)
        for (i, rule) in rules.enumerated() {
            if i > 0 { out += "," }
            rule.write(into: &out)
        }
        return out + "]"
    }
}

extension DialplanDTO: HandWrittenJSON {
    var json: String {
        var w = JSONWriter()
        w.field("created_at", createdAt.map { $0.formatted(.iso8601) })
        w.field("id", id.uuidString)
        w.field("name", name)
        w.field("rules", json: RuleDTO.jsonArray(rules))
        return w.finish()
    }
}

/// A plan's rules, whole and in priority order (`GET …/rules`): a `Page` with no next page.
struct RuleList: HandWrittenJSON, Encodable, Sendable {
    let items: [RuleDTO]
    @Nullable var nextCursor: String?

    var json: String {
        var w = JSONWriter()
        w.field("items", json: RuleDTO.jsonArray(items))
        w.field("next_cursor", nextCursor)
        return w.finish()
    }
}

struct DialplanDTO: Encodable, Sendable {
    let id: UUID
    let name: String
    let rules: [RuleDTO]
    @Nullable var createdAt: Date?

    init(_ d: DialplanModel, rules: [RuleModel]) throws {
        id = try d.requireID()
        name = d.name
        self.rules = try rules.sorted { $0.priority < $1.priority }.map(RuleDTO.init)
        createdAt = d.createdAt
    }
}

enum ActionType: String, Codable, CaseIterable, Sendable {
    case ringExtension = "ring_extension", voicemail, forward, hangup
}

extension RuleModel {
    /// The stored rule as the `Dialplan` target's value. Rows were validated on write, so a row
    /// that no longer parses (edited by hand) becomes a disabled rule rather than a crash.
    /// `schedules`: the tenant's named schedules this rule may refer to; a rule whose schedule is
    /// gone is disabled.
    func toRule(schedules: [UUID: (String, NamedSchedule)] = [:]) -> Dialplan.Rule {
        let parsed = RuleValidation.conditions(
            RuleInput(
                caller: caller, callee: callee, days: days.map { $0.split(separator: ",").map(String.init) },
                timeFrom: timeFrom, timeTo: timeTo, dateFrom: dateFrom, dateTo: dateTo))
        var conditions = (try? parsed.get()) ?? Conditions()
        var scheduleUsable = true
        if let id = scheduleID {
            if let (name, schedule) = schedules[id], let when = ScheduleWhen(rawValue: scheduleWhen ?? "") {
                conditions.schedule = ScheduleCondition(id: id, name: name, when: when, schedule: schedule)
            } else {
                scheduleUsable = false
            }
        }
        let action: Dialplan.Action
        switch ActionType(rawValue: actionType) {
        case .ringExtension?: action = .ringExtension(extensionID: actionExtensionID ?? UUID())
        case .voicemail?: action = .voicemail(extensionID: actionExtensionID ?? UUID())
        case .forward?: action = .forward(target: actionTarget ?? "", mode: ForwardMode(rawValue: actionMode ?? "") ?? .bridge)
        case .hangup?, nil: action = .hangup(sipStatus: actionSIPStatus)
        }
        let usable = (try? parsed.get()) != nil && ActionType(rawValue: actionType) != nil && scheduleUsable
        return Dialplan.Rule(
            id: id ?? UUID(), priority: priority, name: name, enabled: enabled && usable,
            conditions: conditions, action: action)
    }
}
