import Dialplan
import FluentKit
import Foundation

/// A new call's first event, `decided`, run in the inbound batch that writes the call (issue 15:
/// the ring work at the hook door joins the batch). A hook-door call whose rule rings an extension
/// is written already ringing — its ring members, ring timeout, bot leg, all in the batch's one
/// transaction — instead of being inserted `routing` and then loaded, run and written again by a
/// `CallEngine.apply` per request. The machine is the same one; only the driver differs: the call
/// is new, so there is nobody to race (its version is 0 in the same transaction), and what the
/// machine asks for is loaded once per batch (`SharedFacts`).
extension CallEngine {
    /// What the calls of one batch read besides themselves: each extension, trunk and tenant the
    /// machine asks for, loaded once (many calls of a batch ring the same extension).
    struct SharedFacts: Sendable {
        fileprivate struct Key: Hashable, Sendable {
            let tenant: UUID
            let id: UUID
        }
        fileprivate var extensions: [Key: ExtensionFacts?] = [:]
        fileprivate var trunks: [Key: TrunkFacts?] = [:]
        fileprivate var tenants: [UUID: TenantFacts?] = [:]
        /// How many lookups the batch made (shared by its calls, not one per call).
        fileprivate(set) var loads = 0
    }

    /// Loads the extensions `rings` names (tenant, extension) before the batch's transaction, so
    /// the transaction only writes.
    func preload(_ rings: [(tenant: UUID, extensionID: UUID)], into facts: inout SharedFacts, on db: any Database) async throws {
        for (tenant, id) in rings where facts.extensions[.init(tenant: tenant, id: id)] == nil {
            facts.extensions[.init(tenant: tenant, id: id)] = .some(try await directory.extensionFacts(id, tenant: tenant, on: db))
            facts.loads += 1
        }
    }

    /// The machine's `decided` for `call`, a call about to be written as it is (version 0) whose
    /// matched rule's action is `rule`. What the machine asks for and `facts` lacks (a forward
    /// chain's next extension) is loaded on `db` — the batch's transaction — and kept in `facts`.
    func opening(
        _ call: Call, rule: RuleAction?, facts: inout SharedFacts, now: Date, on db: any Database
    ) async throws -> (
        Call, Transition
    ) {
        var d = Directory()
        d.rule = rule
        d.loaded.insert(.rule)
        for (key, ext) in facts.extensions where key.tenant == call.tenantID {
            d.loaded.insert(.extension(key.id))
            d.extensions[key.id] = ext
        }
        if let trunk = call.trunkID, let known = facts.trunks[.init(tenant: call.tenantID, id: trunk)] {
            d.trunk = known
            d.loaded.insert(.trunk)
        }
        if let known = facts.tenants[call.tenantID] {
            d.tenant = known
            d.loaded.insert(.tenant)
        }
        while true {
            do {
                return try CallMachine.handle(call, .decided, directory: d, settings: settings, now: now)
            } catch {
                d = try await directory.load(error.need, for: call, into: d, on: db)
                facts.loads += 1
                switch error.need {
                case .extension(let id): facts.extensions[.init(tenant: call.tenantID, id: id)] = .some(d.extensions[id])
                case .trunk: if let trunk = call.trunkID { facts.trunks[.init(tenant: call.tenantID, id: trunk)] = .some(d.trunk) }
                case .tenant: facts.tenants[call.tenantID] = .some(d.tenant)
                case .rule: break
                }
            }
        }
    }

    /// After the batch committed: the openings' effects that leave the database (browsers rung),
    /// and the job worker woken for the timers and LiveKit work they wrote.
    func opened(_ openings: [(call: Call, transition: Transition)]) async {
        var wake = false
        for (call, transition) in openings {
            await effects.run(transition.effects, for: call)
            wake = wake || transition.effects.contains(where: \.startsJob)
        }
        if wake { jobs.wake() }
    }
}

extension RuleAction {
    /// A compiled rule's action as the machine reads it.
    init(_ action: Dialplan.Action) {
        switch action {
        case .ringExtension(let id): self = .ringExtension(id)
        case .voicemail(let id): self = .voicemail(id)
        case .forward(let target, let mode): self = .forward(target: target, mode: mode)
        case .hangup: self = .hangup
        }
    }
}
