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
            timeFrom: r.timeFrom, timeTo: r.timeTo, dateFrom: r.dateFrom, dateTo: r.dateTo)
        action = Action(
            type: r.actionType, extensionId: r.actionExtensionID, target: r.actionTarget,
            mode: r.actionMode, sipStatus: r.actionSIPStatus)
    }
}

struct DialplanDTO: ResponseEncodable, Sendable {
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
    func toRule() -> Dialplan.Rule {
        let parsed = RuleValidation.conditions(
            RuleInput(
                caller: caller, callee: callee, days: days.map { $0.split(separator: ",").map(String.init) },
                timeFrom: timeFrom, timeTo: timeTo, dateFrom: dateFrom, dateTo: dateTo))
        let conditions = (try? parsed.get()) ?? Conditions()
        let action: Dialplan.Action
        switch ActionType(rawValue: actionType) {
        case .ringExtension?: action = .ringExtension(extensionID: actionExtensionID ?? UUID())
        case .voicemail?: action = .voicemail(extensionID: actionExtensionID ?? UUID())
        case .forward?: action = .forward(target: actionTarget ?? "", mode: ForwardMode(rawValue: actionMode ?? "") ?? .bridge)
        case .hangup?, nil: action = .hangup(sipStatus: actionSIPStatus)
        }
        let usable = (try? parsed.get()) != nil && ActionType(rawValue: actionType) != nil
        return Dialplan.Rule(
            id: id ?? UUID(), priority: priority, name: name, enabled: enabled && usable,
            conditions: conditions, action: action)
    }
}
