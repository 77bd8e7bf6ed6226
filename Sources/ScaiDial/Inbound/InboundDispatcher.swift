import Dialplan
import FluentKit
import Foundation
import Logging

/// What livekit-sip (hook door) or a `participant_joined` webhook (webhook door) tells us of a new call.
struct InboundCall: Sendable {
    /// livekit-sip's call id (`SCL_…`): the idempotency key of the whole call.
    let liveKitCallID: String
    var sipCallID: String?
    var sourceIP: String?
    /// The caller as the carrier sent it: a number, a SIP user name, or empty/`anonymous`.
    let from: String
    /// The called number (our DID), in whatever format the carrier used.
    let to: String
    /// LiveKit's inbound trunk id (`ST_…`), when known.
    var liveKitTrunkID: String?
    /// Webhook door: the room livekit-sip already put the caller in, and the caller's identity there.
    var roomName: String?
    var participantIdentity: String?

    /// The longest caller id kept (E.164 is 16 characters; SIP user names are longer, but not this).
    static let callerIDLimit = 128

    /// A caller id or called number as a carrier sent it, made safe to keep and to show: control
    /// and bidirectional-formatting characters dropped, whitespace trimmed, at most
    /// `callerIDLimit` characters. It reaches records, participant identities and names, browser
    /// events and PostgreSQL notifications, so neither its length nor its characters are the
    /// carrier's to choose. (Truncated rather than refused: a call is not turned away for its
    /// caller id.)
    static func clean(_ raw: String) -> String {
        let kept = raw.unicodeScalars.filter { scalar in
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: false
            default: true
            }
        }
        let text = String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespaces)
        return String(text.prefix(callerIDLimit))
    }
}

/// The dispatcher's answer, the same for both doors and for every repeat of one call.
enum InboundDecision: Sendable, Equatable {
    case accept(callID: UUID, roomName: String, participantIdentity: String, action: String, ringingTimeoutS: Int, maxCallDurationS: Int)
    case reject(callID: UUID?, sipStatus: Int, reason: String)
}

/// DID → tenant → dialplan → first matching rule; the call, its SIP leg and the decision are
/// written in one transaction. Idempotent per livekit-sip call id.
///
/// Calls that arrive together are decided together (group commit): while one batch is in the
/// database, the next gathers, and a batch costs a handful of statements whatever its size — the
/// number lookup, the repeat check, one read of the tenants' live-call counters and two multi-row
/// inserts in one transaction. One batch at a time per process, so the live-call limit is exact within a process.
struct InboundDispatcher: Sendable {
    /// The batch work itself (tests hand it batches directly).
    let decider: Decider
    let batches: GroupCommit<InboundCall, InboundDecision>
    /// Room names of calls that arrive through the hook door (the webhook door's come from LiveKit).
    static let roomPrefix = "scaidial-call"
    /// How long livekit-sip keeps an unanswered caller: long enough for ringing, then a forward
    /// or voicemail (both answer the call); the ring timeout itself is ScaiDial's own timer.
    static let ringingTimeoutS = 180
    /// At most this many calls per batch (18 bound values each stay far below every driver's limit).
    static let maxBatch = 128

    /// `engine`: the call machine's driver, which starts ringing extensions in the batch (without
    /// one, as in tests that only look at decisions, such calls are written `routing`).
    init(
        persistence: Persistence, metrics: MetricsRegistry, logger: Logger, clock: any AppClock = SystemClock(),
        plans: PlanCache = PlanCache(), callerArrival: TimeInterval = CallMachine.Opening.callerArrivalTimeout, engine: CallEngine? = nil
    ) {
        let decider = Decider(
            persistence: persistence, metrics: metrics, logger: logger, plans: plans, clock: clock, callerArrival: callerArrival,
            engine: engine)
        self.decider = decider
        self.batches = GroupCommit(maxBatch: Self.maxBatch) { calls in await decider.decide(calls) }
    }

    /// The call's decision, made in the next batch. A call whose dialplan changed since it was
    /// last compiled leaves its batch undecided (nothing written) and waits for the compiling on its
    /// own, so the batch — other tenants' calls — never waits for it; then it goes again.
    func dispatch(_ call: InboundCall) async throws -> InboundDecision {
        for _ in 0..<3 {
            do {
                return try await batches.submit(call)
            } catch let pending as PlanPending {
                _ = try await decider.plans.plan(pending.key, on: decider.persistence.db)
            }
        }
        // Its dialplan changed three times while it waited: livekit-sip may try again.
        throw Problem(.serviceUnavailable, "the number's dialplan is being changed; try again", headers: [.retryAfter: "1"])
    }

    /// A call left out of its batch because its dialplan is being compiled.
    struct PlanPending: Error, CustomStringConvertible {
        let key: PlanCache.Key
        var description: String { "dialplan \(key.plan) (version \(key.version)) is being compiled" }
    }

    /// The batch work, apart from the queue in front of it.
    struct Decider: Sendable {
        let persistence: Persistence
        let metrics: MetricsRegistry
        let logger: Logger
        let plans: PlanCache
        /// When calls start and which time the dialplan's schedules see.
        let clock: any AppClock
        /// How long a hook-door caller has to arrive in its room before the call is a ghost.
        var callerArrival: TimeInterval = CallMachine.Opening.callerArrivalTimeout
        /// Starts the ringing of hook-door calls whose rule rings an extension, in their batch.
        var engine: CallEngine?

        /// Answers every call of the batch, in order. If the batch as a whole fails (a race with the
        /// other door on a unique column, or one call the database refuses), each call is decided on
        /// its own, so one call's trouble is not the others'.
        func decide(_ calls: [InboundCall]) async -> [Result<InboundDecision, any Error>] {
            metrics.increment("scaidial_inbound_batches_total", help: "Batches of inbound decisions written together (group commit)")
            func counted(_ decided: Int) {
                metrics.increment(
                    "scaidial_inbound_batched_calls_total",
                    help: "Inbound decisions made in batches (divide by the batches for their size)",
                    by: Double(decided))
            }
            do {
                let outcomes = try await together(calls)
                counted(outcomes.filter { if case .decided = $0 { true } else { false } }.count)
                return outcomes.map { $0.result }
            } catch {
                counted(calls.count)
                var answers: [Result<InboundDecision, any Error>] = []
                for call in calls {
                    do {
                        answers.append(.success(try await calls.count == 1 ? recover(call, from: error) : alone(call)))
                    } catch {
                        answers.append(.failure(error))
                    }
                }
                return answers
            }
        }

        private func alone(_ call: InboundCall) async throws -> InboundDecision {
            let outcome: Outcome
            do { outcome = try await together([call])[0] } catch { return try await recover(call, from: error) }
            return try outcome.result.get()
        }

        /// A call's outcome in its batch: decided, or left for when its dialplan is compiled.
        enum Outcome {
            case decided(InboundDecision)
            case needsPlan(PlanCache.Key)
            var result: Result<InboundDecision, any Error> {
                switch self {
                case .decided(let decision): .success(decision)
                case .needsPlan(let key): .failure(PlanPending(key: key))
                }
            }
        }

        /// A unique-column failure means the other door (or a retry) recorded this call meanwhile:
        /// the first answer stands.
        private func recover(_ call: InboundCall, from error: any Error) async throws -> InboundDecision {
            guard (error as? any DatabaseError)?.isConstraintFailure == true else { throw error }
            let db = persistence.db
            guard let existing = try await CallModel.query(on: db).filter(\.$livekitCallID == call.liveKitCallID).first() else {
                throw error
            }
            return try await InboundDispatcher.decision(for: existing, on: db)
        }

        private func together(_ calls: [InboundCall]) async throws -> [Outcome] {
            let db = persistence.db
            // Repeats inside the batch share the first one's answer.
            var position: [String: Int] = [:]
            var unique: [InboundCall] = []
            for call in calls where position[call.liveKitCallID] == nil {
                position[call.liveKitCallID] = unique.count
                unique.append(call)
            }
            let recorded = try await InboundRoute.recorded(Set(unique.map(\.liveKitCallID)), on: db)
            let fresh = unique.filter { !recorded.contains($0.liveKitCallID) }
            // DIDs are stored in E.164; carriers send `+31…`, `31…` or national `0…` forms. A national
            // form is read in the country of the tenant that owns the LiveKit trunk the call came in on.
            let countries = try await InboundRoute.trunkCountries(
                Set(fresh.compactMap { $0.to.trimmingCharacters(in: .whitespaces).hasPrefix("+") ? nil : $0.liveKitTrunkID }), on: db)
            let candidates = fresh.map { Self.candidates($0, country: $0.liveKitTrunkID.flatMap { countries[$0] }) }
            let routes = try await InboundRoute.find(Set(candidates.joined()), on: db)
            var matched = candidates.map { numbers in numbers.lazy.compactMap { routes[$0] }.first }
            // Compiled plans first; inside the transaction all is in memory but the live-call counts
            // and the inserts. A plan not compiled at its version is not waited for here: its calls
            // leave the batch undecided and wait on their own (`dispatch`).
            var compiled: [UUID: CompiledPlan] = [:]
            var needsPlan: [String: PlanCache.Key] = [:]
            for (index, route) in matched.enumerated() {
                guard let route, let id = route.dialplanID, let version = route.rulesVersion, compiled[id] == nil else { continue }
                let key = PlanCache.Key(plan: id, version: version, timeZone: route.timeZone)
                if let plan = plans.cached(key, on: db) {
                    compiled[id] = plan
                } else {
                    needsPlan[fresh[index].liveKitCallID] = key
                    matched[index] = nil
                }
            }
            let tenants = Dictionary(matched.compactMap { $0.map { ($0.tenantID, $0) } }, uniquingKeysWith: { a, _ in a })
            let now = clock.now
            // Each call's caller as rules read it and the rule it matches: pure, so worked out once,
            // before the transaction (inside it only the live-call limit can still refuse a call).
            let callers = zip(fresh, matched).map { call, route in route.map { Self.caller(call, route: $0) } }
            let rules = zip(callers, matched).map { caller, route -> Dialplan.Rule? in
                guard let caller, let route, let plan = route.dialplanID.flatMap({ compiled[$0] }) else { return nil }
                return Self.match(caller, route: route, plan: plan, now: now)
            }
            // The extensions this batch's hook-door calls will ring, read before its transaction.
            var facts = CallEngine.SharedFacts()
            if let engine {
                var rings: [(tenant: UUID, extensionID: UUID)] = []
                for (index, call) in fresh.enumerated() where call.roomName == nil {
                    guard let route = matched[index], case .ringExtension(let id)? = rules[index]?.action else { continue }
                    rings.append((route.tenantID, id))
                }
                try await engine.preload(rings, into: &facts, on: db)
            }
            let preloaded = facts
            var answers: [String: InboundDecision] = [:]
            for (call, route) in zip(fresh, matched) where route == nil && needsPlan[call.liveKitCallID] == nil {
                // Not recorded: no tenant owns the number.
                metrics.increment("scaidial_inbound_unknown_did_total", help: "Inbound calls to numbers no tenant owns (rejected 404)")
                logger.notice(
                    "inbound call to an unknown number rejected", metadata: ["to": "\(call.to)", "lk_call_id": "\(call.liveKitCallID)"])
                answers[call.liveKitCallID] = .reject(callID: nil, sipStatus: 404, reason: "unknown_did")
            }
            let kind = persistence.kind
            let plansByID = compiled
            let routed = matched
            let engine = self.engine
            let (pending, written, openings, lookups) = try await db.transaction { tx in
                // The tenants' rows stay locked until the calls are written (PostgreSQL): another
                // replica's batch, or a click-to-call, waits, so the live-call limit holds across them.
                for id in tenants.keys.sorted(by: { $0.uuidString < $1.uuidString }) { try await tx.lockTenant(id, kind: kind) }
                var live = try await LiveCallCounter.read(Set(tenants.keys), on: tx)
                var pending: [CallRecord.Pending] = []
                for (index, call) in fresh.enumerated() {
                    guard let route = routed[index], let caller = callers[index] else { continue }
                    pending.append(
                        Self.decide(
                            call, route: route, caller: caller, planned: route.dialplanID.flatMap { plansByID[$0] } != nil,
                            rule: rules[index], live: &live, now: now))
                }
                // Calls that ring an extension start ringing in this transaction: the machine's
                // `decided` is run first, and the calls are written as it left them.
                var openings: [String: CallRecord.Opening] = [:]
                var facts = preloaded
                if let engine {
                    for p in pending where p.ringsAtOnce {
                        openings[p.liveKitCallID] = try await engine.opening(
                            p.opened, rule: p.ruleAction.map(RuleAction.init), facts: &facts, now: now, on: tx)
                    }
                }
                let written = try await CallRecord.insert(pending, openings: openings, callerArrival: callerArrival, on: tx)
                openings = openings.filter { written.contains($0.key) }
                return (pending, written, openings, facts.loads)
            }
            if lookups > 0 {
                metrics.increment(
                    "scaidial_inbound_ring_lookups_total",
                    help: "Extensions, trunks and tenants read to start ringing in inbound batches (once per batch, not per call)",
                    by: Double(lookups))
            }
            for p in pending where written.contains(p.liveKitCallID) {
                answers[p.liveKitCallID] = Self.answer(p.decision, opened: openings[p.liveKitCallID])
            }
            if let engine, !openings.isEmpty { await engine.opened(Array(openings.values)) }
            // Repeats of calls recorded earlier, or meanwhile by the other door: the first answer stands.
            for call in unique where answers[call.liveKitCallID] == nil && needsPlan[call.liveKitCallID] == nil {
                guard let existing = try await CallModel.query(on: db).filter(\.$livekitCallID == call.liveKitCallID).first() else {
                    throw DispatchError.lostCall(call.liveKitCallID)
                }
                answers[call.liveKitCallID] = try await InboundDispatcher.decision(for: existing, on: db)
            }
            return try calls.map { call in
                if let key = needsPlan[call.liveKitCallID] { return .needsPlan(key) }
                guard let answer = answers[call.liveKitCallID] else { throw DispatchError.lostCall(call.liveKitCallID) }
                return .decided(answer)
            }
        }

        /// One call's decision: `caller` as rules read it, `planned` whether its number's plan is
        /// compiled, `rule` the rule it matched there. `live` counts each tenant's live calls,
        /// including those accepted earlier in this batch.
        static func decide(
            _ call: InboundCall, route: InboundRoute, caller: String, planned: Bool, rule: Dialplan.Rule?, live: inout [UUID: Int],
            now: Date
        ) -> CallRecord.Pending {
            let record = CallRecord(call: call, route: route, caller: caller)
            if live[route.tenantID, default: 0] >= route.maxConcurrentCalls {
                return record.reject(sipStatus: 503, reason: .overLimit, now: now)
            }
            guard let planID = route.dialplanID, planned else {
                return record.reject(sipStatus: 480, reason: .noRoute, now: now)
            }
            guard let rule else {
                return record.reject(sipStatus: 480, reason: .noRoute, planID: planID, now: now)
            }
            if case .hangup(let status) = rule.action {
                return record.reject(sipStatus: status ?? 603, reason: .hangupRule, planID: planID, ruleID: rule.id, now: now)
            }
            live[route.tenantID, default: 0] += 1
            return record.accept(rule: rule, planID: planID, now: now)
        }

        /// The rule the call matches in its number's plan.
        static func match(_ caller: String, route: InboundRoute, plan: CompiledPlan, now: Date) -> Dialplan.Rule? {
            plan.firstMatch(CallFacts(caller: caller, callee: route.number, at: now))
        }

        /// The caller id as rules match it (a withheld one is `anonymous`).
        static func caller(_ call: InboundCall, route: InboundRoute) -> String {
            CallerNumber.forMatching(call.from.isEmpty ? "anonymous" : call.from, country: route.country)
        }

        /// The answer for a call whose ringing started in its batch: refused with the machine's
        /// status when the start ended it (nobody to ring and no voicemail, a hop limit), else
        /// livekit-sip keeps the caller long enough for the longest ring chain its forward rules allow.
        static func answer(_ decision: InboundDecision, opened: (call: Call, transition: Transition)?) -> InboundDecision {
            guard let (call, transition) = opened, case .accept(let id, let room, let identity, let action, let ringing, let max) = decision
            else { return decision }
            if !call.isLive {
                return .reject(
                    callID: id, sipStatus: call.sipStatus ?? call.endReason?.sipStatus ?? 480,
                    reason: call.endReason?.rawValue ?? EndReason.noRoute.rawValue)
            }
            return .accept(
                callID: id, roomName: room, participantIdentity: identity, action: action,
                ringingTimeoutS: Swift.max(ringing, transition.ringingTimeoutS ?? 0), maxCallDurationS: max)
        }

        /// The E.164 forms the called number may stand for, best first.
        static func candidates(_ call: InboundCall, country: String?) -> [String] {
            let raw = call.to.trimmingCharacters(in: .whitespaces)
            var candidates: [String] = []
            if let n = try? E164.normalize(raw, defaultCountry: raw.hasPrefix("+") ? nil : country) { candidates.append(n) }
            let digits = raw.filter(\.isASCIIDigit)
            if !digits.isEmpty, !candidates.contains("+" + digits) { candidates.append("+" + digits) }
            return candidates
        }
    }

    enum DispatchError: Error, CustomStringConvertible {
        case lostCall(String)
        var description: String {
            switch self {
            case .lostCall(let id): "call \(id) was neither written nor found"
            }
        }
    }

    /// The decision a stored call stands for (repeats of the same call get the same answer).
    static func decision(for call: CallModel, on db: any Database) async throws -> InboundDecision {
        let leg = try await CallLegModel.query(on: db).filter(\.$callID == call.requireID()).filter(\.$kind == .sip)
            .sort(\.$startedAt).first()
        // Refused, or ended before its caller ever reached the room (the hook door said REJECT).
        if call.state == .failed || (!call.state.isLive && leg?.joinedAt == nil) {
            return .reject(
                callID: call.id, sipStatus: call.sipStatus ?? call.endReason?.sipStatus ?? 480,
                reason: call.endReason?.rawValue ?? "rejected")
        }
        let tenant = try await TenantModel.find(call.tenantID, on: db)
        return .accept(
            callID: try call.requireID(), roomName: call.roomName, participantIdentity: leg?.participantIdentity ?? "",
            action: call.action?.rawValue ?? "", ringingTimeoutS: ringingTimeoutS, maxCallDurationS: tenant?.maxCallDurationS ?? 3600)
    }
}
