import Dialplan
import FluentKit
import Foundation

/// How long livekit-sip must keep an unanswered caller of a trunk (its inbound trunk's
/// `ringing_timeout`, for the webhook door): the longest ring chain any of the trunk's numbers can
/// lead through (`CallMachine.ringChainSeconds`: ring times along the forward rules, up to the hop
/// limit), plus the margin for what answers at the end. Never below livekit-sip's own default (3
/// minutes), so a short plan cannot shorten what a carrier expects. Recomputed (a trunk sync) when
/// extensions, forward rules, rules or the tenant's policy change.
enum RingingBudget {
    static let floorS = 180

    static func seconds(trunk: UUID, tenant: UUID, settings: CallSettings = CallSettings(), on db: any Database) async throws -> Int {
        let plans = Set(try await DIDModel.query(on: db).filter(\.$trunkID == trunk).all().compactMap(\.dialplanID))
        guard !plans.isEmpty else { return floorS }
        let rules = try await RuleModel.query(on: db).filter(\.$dialplanID ~~ Array(plans)).filter(\.$enabled == true).all()
        let starts = rules.compactMap { rule -> UUID? in
            guard case .ringExtension(let id)? = DirectoryLoader.action(rule) else { return nil }
            return id
        }
        guard !starts.isEmpty else { return floorS }
        let extensions = try await self.extensions(of: tenant, on: db)
        var longest = 0
        for start in starts {
            guard let ext = extensions[start] else { continue }
            let chain = (try? CallMachine.ringChainSeconds(ext, maxHops: settings.maxHops) { extensions[$0] }) ?? ext.ringTimeoutS
            longest = max(longest, chain)
        }
        return max(floorS, longest + settings.ringingMarginS)
    }

    /// The tenant's extensions with their enabled forward rules (who is online does not matter here).
    static func extensions(of tenant: UUID, on db: any Database) async throws -> [UUID: ExtensionFacts] {
        let rows = try await ExtensionModel.query(on: db).filter(\.$tenantID == tenant).all()
        let rules = try await ForwardRuleModel.query(on: db).filter(\.$tenantID == tenant).filter(\.$enabled == true).sort(\.$createdAt)
            .all()
        var out: [UUID: ExtensionFacts] = [:]
        for ext in rows {
            let id = try ext.requireID()
            var byTrigger: [ForwardTrigger: ForwardRuleFacts] = [:]
            for rule in rules where rule.extensionID == id {
                guard let trigger = ForwardTrigger(rawValue: rule.trigger), let type = ForwardTargetType(rawValue: rule.targetType),
                    byTrigger[trigger] == nil
                else { continue }
                byTrigger[trigger] = ForwardRuleFacts(targetType: type, target: rule.target)
            }
            out[id] = ExtensionFacts(
                id: id, number: ext.number, name: ext.name, type: ExtensionType(rawValue: ext.type) ?? .wave, targetRef: ext.targetRef,
                voicemailEnabled: ext.voicemailEnabled, ringTimeoutS: ext.ringTimeoutS, forwardRules: byTrigger, users: [], online: [])
        }
        return out
    }
}
