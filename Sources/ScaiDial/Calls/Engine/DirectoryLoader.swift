import Dialplan
import FluentKit
import Foundation

/// Loads what the machine asks for (`Directory.Need`) from the database and the event hub, always
/// within the call's own tenant.
struct DirectoryLoader: Sendable {
    let hub: EventHub

    func load(_ need: Directory.Need, for call: Call, into directory: Directory, on db: any Database) async throws -> Directory {
        guard !directory.loaded.contains(need) else { throw DirectoryError.loadedAlready(need) }
        var d = directory
        d.loaded.insert(need)
        switch need {
        case .rule:
            if let id = call.ruleID, let rule = try await RuleModel.find(id, on: db), rule.tenantID == call.tenantID {
                d.rule = Self.action(rule)
            }
        case .trunk:
            if let id = call.trunkID, let trunk = try await TrunkModel.find(id, on: db), trunk.tenantID == call.tenantID {
                d.trunk = TrunkFacts(outboundTrunkID: trunk.livekitOutboundTrunkID, address: trunk.address, referURI: trunk.referURI)
            }
        case .tenant:
            if let tenant = try await TenantModel.find(call.tenantID, on: db) {
                d.tenant = TenantFacts(
                    forwardCallerID: tenant.forwardCallerID, maxCallDurationS: tenant.maxCallDurationS, outbound: OutboundPolicy(tenant))
            }
        case .extension(let id):
            d.extensions[id] = try await extensionFacts(id, tenant: call.tenantID, except: call.id, on: db)
        }
        return d
    }

    /// Extension `id` of `tenant` as the machine reads it: forward rules, users granted, online and
    /// busy (in a live call other than `call`).
    func extensionFacts(_ id: UUID, tenant: UUID, except call: UUID? = nil, on db: any Database) async throws -> ExtensionFacts? {
        guard let ext = try await ExtensionModel.find(id, on: db), ext.tenantID == tenant else { return nil }
        let rules = try await ForwardRuleModel.query(on: db).filter(\.$extensionID == id).filter(\.$enabled == true)
            .sort(\.$createdAt).all()
        var byTrigger: [ForwardTrigger: ForwardRuleFacts] = [:]
        for rule in rules {
            guard let trigger = ForwardTrigger(rawValue: rule.trigger), let type = ForwardTargetType(rawValue: rule.targetType),
                byTrigger[trigger] == nil
            else { continue }
            byTrigger[trigger] = ForwardRuleFacts(targetType: type, target: rule.target)
        }
        let granted = try await GrantModel.enabledUserRows(of: id, on: db)
        let users = granted.compactMap(\.id)
        // A user on do-not-disturb is not rung: for the machine they are not online, so a call
        // nobody else can take follows the `unavailable` forward rule.
        let reachable = granted.filter { !$0.doNotDisturb }.compactMap(\.id)
        var facts = ExtensionFacts(
            id: id, number: ext.number, name: ext.name, type: ExtensionType(rawValue: ext.type) ?? .wave, targetRef: ext.targetRef,
            voicemailEnabled: ext.voicemailEnabled, ringTimeoutS: ext.ringTimeoutS, forwardRules: byTrigger, users: users,
            online: try await hub.online(reachable, on: db))
        facts.busy = try await Self.onACall(users, except: call, on: db)
        return facts
    }

    /// Of `users`, those in a live call (other than `call`) they answered or placed.
    static func onACall(_ users: [UUID], except call: UUID?, on db: any Database) async throws -> Set<UUID> {
        guard !users.isEmpty else { return [] }
        var query = CallModel.query(on: db).filter(\.$state ~~ CallState.live)
        if let call { query = query.filter(\.$id != call) }
        let calls =
            try await query
            .group(.or) { $0.filter(\.$answeredByUserID ~~ users).filter(\.$placedByUserID ~~ users) }
            .field(\.$answeredByUserID).field(\.$placedByUserID).all()
        let wanted = Set(users)
        return Set(calls.flatMap { [$0.answeredByUserID, $0.placedByUserID] }.compactMap { $0 }).intersection(wanted)
    }

    static func action(_ rule: RuleModel) -> RuleAction? {
        switch ActionType(rawValue: rule.actionType) {
        case .ringExtension?: rule.actionExtensionID.map(RuleAction.ringExtension)
        case .voicemail?: rule.actionExtensionID.map(RuleAction.voicemail)
        case .forward?:
            rule.actionTarget.map { RuleAction.forward(target: $0, mode: ForwardMode(rawValue: rule.actionMode ?? "") ?? .bridge) }
        case .hangup?: .hangup
        case nil: nil
        }
    }
}

enum DirectoryError: Error, CustomStringConvertible {
    case loadedAlready(Directory.Need)
    var description: String {
        switch self {
        case .loadedAlready(let need): "the call machine asked twice for \(need)"
        }
    }
}

extension GrantModel {
    /// The enabled users granted extension `ext`, in a stable order: who is rung, and who hears
    /// about its voicemail.
    static func enabledUsers(of ext: UUID, on db: any Database) async throws -> [UUID] {
        try await enabledUserRows(of: ext, on: db).compactMap(\.id)
    }

    /// The same users' rows (their do-not-disturb with them).
    static func enabledUserRows(of ext: UUID, on db: any Database) async throws -> [UserModel] {
        let grants = try await query(on: db).filter(\.$extensionID == ext).all().map(\.userID)
        guard !grants.isEmpty else { return [] }
        return try await UserModel.query(on: db).filter(\.$id ~~ grants).filter(\.$disabled == false).sort(\.$id).all()
    }
}
