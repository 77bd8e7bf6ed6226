import Dialplan
import Foundation
import LiveKit

@testable import ScaiDial

/// Calls, directories and a runner for the call machine's own tests: no database, no LiveKit.
enum CallFixtures {
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let tenant = UUID(uuidString: "0193A000-0000-7000-8000-000000000001")!
    static let desk = UUID(uuidString: "0193A000-0000-7000-8000-0000000000D1")!
    static let backup = UUID(uuidString: "0193A000-0000-7000-8000-0000000000D2")!
    static let bot = UUID(uuidString: "0193A000-0000-7000-8000-0000000000B0")!
    static let alice = UUID(uuidString: "0193A000-0000-7000-8000-0000000000A1")!
    static let bob = UUID(uuidString: "0193A000-0000-7000-8000-0000000000A2")!
    static let carol = UUID(uuidString: "0193A000-0000-7000-8000-0000000000A3")!
    static let rule = UUID(uuidString: "0193A000-0000-7000-8000-0000000000E1")!
    static let caller = "sip_+31612345678"

    /// An inbound call as the dispatcher writes it: `routing`, the caller's leg ringing (in the
    /// room already when `joined`).
    static func inbound(joined: Bool = false) -> Call {
        var callerLeg = Leg(
            id: UUID(), kind: .sip, state: .ringing, key: CallMachine.Opening.callerKey, identity: caller,
            destination: "+31201110001", startedAt: t0)
        if joined { callerLeg.joinedAt = t0 }
        return Call(
            id: UUID(), tenantID: tenant, direction: .inbound, phase: .routing, fromNumber: "+31612345678", toNumber: "+31201110001",
            roomName: "scaidial-call-x", ruleID: rule, trunkID: UUID(), action: .ringExtension, extensionID: nil, answeredBy: nil,
            placedBy: nil, hops: 0, endReason: nil, sipStatus: nil, liveKitCallID: "SCL_x", startedAt: t0, answeredAt: nil,
            endedAt: nil, ringRound: 0, ring: nil, legs: [callerLeg])
    }

    static func outbound() -> Call {
        CallMachine.placed(
            id: UUID(), tenantID: tenant, user: alice, extensionID: desk, trunkID: UUID(), from: "+31201110001", to: "+31612345678",
            roomName: "scaidial-out-x", now: t0)
    }

    static func ext(
        _ id: UUID = desk, number: String = "101", type: ExtensionType = .wave, voicemail: Bool = true, ringTimeout: Int = 30,
        rules: [ForwardTrigger: ForwardRuleFacts] = [:], users: [UUID] = [alice, bob], online: Set<UUID> = [alice, bob]
    ) -> ExtensionFacts {
        ExtensionFacts(
            id: id, number: number, name: "Desk \(number)", type: type, targetRef: type == .bot ? "support-agent" : nil,
            voicemailEnabled: voicemail, ringTimeoutS: ringTimeout, forwardRules: rules, users: users, online: online)
    }

    /// Everything looked up: the rule's action, these extensions, a synced trunk, the tenant.
    static func directory(
        _ action: RuleAction = .ringExtension(desk), _ extensions: [ExtensionFacts] = [ext()],
        trunk: TrunkFacts? = TrunkFacts(outboundTrunkID: "ST_out", address: "sip.carrier.example:5060", referURI: "sip"),
        forwardCallerID: String = "did"
    ) -> Directory {
        var d = Directory()
        d.rule = action
        d.trunk = trunk
        d.tenant = TenantFacts(forwardCallerID: forwardCallerID)
        d.loaded = [.rule, .trunk, .tenant]
        for e in extensions {
            d.extensions[e.id] = e
        }
        for id in [desk, backup, bot] { d.loaded.insert(.extension(id)) }
        return d
    }

    static let settings = CallSettings(maxHops: 5, rejoinGrace: 10, voicemailMax: 120)

    /// One event at `t0 + at` seconds; a missing fact fails the test.
    static func run(
        _ call: Call, _ event: CallEvent, _ directory: Directory = directory(), at: TimeInterval = 1
    ) throws -> (Call, Transition) {
        try CallMachine.handle(call, event, directory: directory, settings: settings, now: t0.addingTimeInterval(at))
    }
}

extension Transition {
    var ringed: [UUID]? {
        for case .ring(let users, _, _, _) in effects { return users }
        return nil
    }
    var cancelled: [(users: [UUID], reason: String)] {
        effects.compactMap { if case .cancelRing(let users, let reason) = $0 { (users, reason) } else { nil } }
    }
    var scheduled: [(CallTimer, Date)] {
        effects.compactMap { if case .schedule(let timer, let at) = $0 { (timer, at) } else { nil } }
    }
    var dials: [Dial] { effects.compactMap { if case .dial(let d) = $0 { d } else { nil } } }
    func has(_ effect: CallEffect) -> Bool { effects.contains(effect) }
}

extension Call {
    func legs(_ kind: LegKind) -> [Leg] { legs.filter { $0.kind == kind } }
}
