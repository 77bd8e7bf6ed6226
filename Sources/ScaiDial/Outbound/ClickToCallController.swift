import Dialplan
import FluentKit
import Foundation
import Hummingbird
import LiveKit

/// `POST /me/click-to-call` and `GET /me/calls/active`: the signed-in user's outbound calls.
struct ClickToCallController {
    let services: AppServices
    /// How long LiveKit lets the callee's phone ring before giving up (a carrier's voicemail

    func register(on router: some RouterMethods<AppRequestContext>) {
        let member = router.member(services.db)
        member.post("/me/click-to-call", use: place)
        member.get("/me/calls/active", use: active)
    }

    /// Checks, writes the call with both legs, answers with the room and the user's token at
    /// once; the dial itself runs in the background (`OutboundDialer`).
    @Sendable func place(_ request: Request, context: MemberContext) async throws -> EditedResponse<JoinedCall> {
        let db = services.db
        let (scope, tenant) = (context.scope, context.tenant)
        let user = scope.identity.userID
        let input = try await request.jsonObject(context: context)
        let extensionID = input.uuid("extension_id", required: true)
        var destination: String?
        if let raw = input.string("destination", required: true, maxLength: 64) {
            do { destination = try E164.normalize(raw, defaultCountry: tenant.country) } catch { input.fail("destination", error.message) }
        }
        try input.errors.check()
        guard let extensionID, let destination else { throw Problem.invalid("destination", "and extension_id are required") }
        do {
            let (call, ext, trunk, liveKit) = try await write(extensionID, destination, tenant: tenant, scope: scope)
            let name = scope.identity.displayName
            let joined = try JoinedCall(
                callID: call.call.id, roomName: call.call.roomName, participantIdentity: call.waveIdentity, name: name, liveKit: liveKit)
            services.dialer.dial(
                .init(
                    callID: call.call.id, legID: call.sipLeg?.id ?? call.call.id,
                    request: try Self.dialRequest(
                        call, trunk: trunk, tenant: tenant, ext: ext,
                        ringingTimeoutS: services.engine.settings.outboundRingingTimeoutS)))
            services.metrics.increment(
                "scaidial_click_to_call_total", help: "Click-to-calls placed, by outcome", labels: [("outcome", "placed")])
            return .init(status: .created, response: joined)
        } catch let refusal as ClickToCallRefusal {
            services.metrics.increment(
                "scaidial_click_to_call_total", help: "Click-to-calls placed, by outcome",
                labels: [("outcome", refusal.problem.code ?? "refused")])
            throw refusal.problem
        }
    }

    /// Everything that can refuse the call, in the order a user fixes things; then one transaction.
    private func write(
        _ extensionID: UUID, _ destination: String, tenant: TenantModel, scope: TenantScope
    ) async throws -> (OutboundCall, ClickToCallExtension, trunk: String, LiveKitSettings) {
        let db = services.db
        let user = scope.identity.userID
        // The extension and whether the user holds a grant on it, in one plain query.
        let sql = try db.sql()
        guard
            let found = try await sql.raw(
                """
                SELECT e.number, EXISTS (SELECT 1 FROM extension_grants g WHERE g.extension_id = e.id AND g.user_id = \(bind: user))
                  AS granted
                FROM extensions e WHERE e.tenant_id = \(bind: scope.tenantID) AND e.id = \(bind: extensionID)
                """
            ).first()
        else { throw ClickToCallRefusal.unknownExtension }
        let ext = ClickToCallExtension(id: extensionID, number: try found.decode(column: "number", as: String.self))
        guard try found.decode(column: "granted", as: Bool.self) else {
            throw ClickToCallRefusal.noGrant(extensionNumber: ext.number)
        }
        guard let liveKit = services.config.liveKit, services.liveKit != nil else { throw ClickToCallRefusal.liveKitNotConfigured }
        if let refusal = OutboundPolicy(tenant).refusal(for: destination) { throw refusal }
        guard let route = try await OutboundRoute.find(tenant: scope.tenantID, on: db) else { throw ClickToCallRefusal.noSyncedTrunk }
        let outboundTrunk = route.liveKitTrunkID
        let call = try OutboundCall(
            tenantID: scope.tenantID, user: user, ext: ext, trunkID: route.trunkID, callerID: route.callerID(of: tenant),
            destination: destination, now: services.config.clock.now)
        let kind = services.persistence.kind
        try await db.transaction { tx in
            try await tx.lockTenant(scope.tenantID, kind: kind)
            try await OutboundLimits(tenant: tenant, user: user).check(now: call.call.startedAt, on: tx)
            try await call.create(on: tx)
        }
        return (call, ext, outboundTrunk, liveKit)
    }

    /// The dial, exactly as LiveKit's `CreateSIPParticipantRequest` names it: waiting for the answer
    /// (the only way to learn of it), ringback (dial tone) into the room while the callee's phone
    /// rings for at most `ringingTimeoutS` (`outboundRingingTimeout`), the policy's longest call.
    static func dialRequest(
        _ call: OutboundCall, trunk: String, tenant: TenantModel, ext: ClickToCallExtension, ringingTimeoutS: Int
    ) throws -> CreateSIPParticipantRequest {
        let c = call.call
        return CreateSIPParticipantRequest(
            sipTrunkId: trunk, sipCallTo: c.toNumber, sipNumber: c.fromNumber.hasPrefix("+") ? c.fromNumber : nil, roomName: c.roomName,
            participantIdentity: call.sipLeg?.identity, participantName: c.toNumber,
            participantMetadata: try EffectRunner.json(["scaidial_call_id": c.id.uuidString, "extension": ext.number]),
            playDialtone: true, ringingTimeout: .seconds(Int64(ringingTimeoutS)),
            maxCallDuration: .seconds(Int64(tenant.maxCallDurationS)), waitUntilAnswered: true)
    }

    /// The user's calls in progress (placed or answered by them), newest first, with their legs.
    @Sendable func active(_ request: Request, context: MemberContext) async throws -> Page<CallDTO> {
        let sql = try services.db.sql()
        let scope = context.scope
        let user = scope.identity.userID
        let calls = try await sql.select().column("*").from(CallModel.schema).where("tenant_id", .equal, scope.tenantID)
            .where("state", .in, CallState.live.map(\.rawValue))
            .where { $0.where("placed_by_user_id", .equal, user).orWhere("answered_by_user_id", .equal, user) }
            .orderBy("id", .descending).limit(100).all()
        return Page(items: try await CallController.withLegs(calls, on: sql), nextCursor: nil)
    }
}
