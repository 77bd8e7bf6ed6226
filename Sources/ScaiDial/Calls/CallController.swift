import Dialplan
import FluentKit
import FluentSQL
import Foundation
import Hummingbird
import SQLKit

struct LegDTO: Encodable, Sendable {
    let id: UUID
    let kind: LegKind
    let state: LegState
    @Nullable var participantIdentity: String?
    @Nullable var userId: UUID?
    @Nullable var extensionId: UUID?
    @Nullable var destination: String?
    @Nullable var failureReason: String?
    @Nullable var sipStatus: Int?
    let startedAt: Date
    @Nullable var answeredAt: Date?
    @Nullable var endedAt: Date?

    init(_ l: CallLegModel) throws {
        id = try l.requireID()
        kind = l.kind
        state = l.state
        participantIdentity = l.participantIdentity
        userId = l.userID
        extensionId = l.extensionID
        destination = l.destination
        failureReason = l.failureReason
        sipStatus = l.sipStatus
        startedAt = l.startedAt
        answeredAt = l.answeredAt
        endedAt = l.endedAt
    }
}

struct CallDTO: ResponseEncodable, Sendable {
    let id: UUID
    let direction: CallDirection
    let state: CallState
    let from: String
    let to: String
    @Nullable var didId: UUID?
    @Nullable var trunkId: UUID?
    @Nullable var dialplanId: UUID?
    @Nullable var ruleId: UUID?
    @Nullable var action: ActionType?
    let roomName: String
    @Nullable var livekitCallId: String?
    @Nullable var endReason: EndReason?
    @Nullable var sipStatus: Int?
    let startedAt: Date
    @Nullable var answeredAt: Date?
    @Nullable var endedAt: Date?
    @Nullable var durationS: Int?
    @Nullable var placedByUserId: UUID?
    let hops: Int
    let legs: [LegDTO]

    init(_ c: CallModel, legs: [CallLegModel]) throws {
        id = try c.requireID()
        direction = c.direction
        state = c.state
        from = c.fromNumber
        to = c.toNumber
        didId = c.didID
        trunkId = c.trunkID
        dialplanId = c.dialplanID
        ruleId = c.ruleID
        action = c.action
        roomName = c.roomName
        livekitCallId = c.livekitCallID
        endReason = c.endReason
        sipStatus = c.sipStatus
        startedAt = c.startedAt
        answeredAt = c.answeredAt
        endedAt = c.endedAt
        // Talk time: from the answer to the end (0 for a call never answered).
        durationS = c.endedAt.map { end in c.answeredAt.map { Int(end.timeIntervalSince($0).rounded()) } ?? 0 }
        placedByUserId = c.placedByUserID
        hops = c.hops
        self.legs = try legs.sorted { $0.startedAt < $1.startedAt }.map(LegDTO.init)
    }
}

/// `/v1/tenants/{t}/calls`: call history (newest first) with filters, live calls, one call with its legs.
struct CallController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/calls", use: list)
        admin.get("/calls/active", use: active)
        admin.get("/calls/:call_id", use: get)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<CallDTO> {
        let db = services.db
        let scope = context.scope
        let q = request.uri.queryParameters
        let page = try PageRequest(request)
        var query = CallModel.scoped(scope, on: db)
        var errors: [FieldError] = []
        if let d = q["direction"].map(String.init) {
            if let direction = CallDirection(rawValue: d) {
                query = query.filter(\.$direction == direction)
            } else {
                errors.append(.init(field: "direction", message: "must be inbound or outbound"))
            }
        }
        if let s = q["state"].map(String.init) {
            if let state = CallState(rawValue: s) {
                query = query.filter(\.$state == state)
            } else {
                errors.append(.init(field: "state", message: "must be one of routing, ringing, active, ended, failed"))
            }
        }
        if let n = q["number"].map(String.init), !n.isEmpty {
            query = query.group(.or) {
                $0.filter(\.$fromNumber, .contains(inverse: false, .anywhere), n).filter(
                    \.$toNumber, .contains(inverse: false, .anywhere), n)
            }
        }
        for (key, op) in [("from", DatabaseQuery.Filter.Method.greaterThanOrEqual), ("to", .lessThan)] {
            guard let raw = q[Substring(key)].map(String.init) else { continue }
            guard let date = Timestamps.parse(raw) else {
                errors.append(.init(field: key, message: "must be an RFC 3339 timestamp")); continue
            }
            query = query.filter(\.$startedAt, op, date)
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
        // Newest first by when calls started, then by id; the cursor (the last id of a page) stands
        // for its call's place in that order. Filters and order then use one index (tenant, state,
        // started_at, id): a page reads about `limit` entries however many calls the tenant has.
        if let after = page.after {
            // The cursor's start as stored, bound back as stored: a `Date` read from SQLite is
            // rounded to microseconds and would no longer equal its own row.
            let sql = try db.sql()
            guard
                let row = try await sql.select().column("started_at").from(CallModel.schema).where("id", .equal, after)
                    .where("tenant_id", .equal, scope.tenantID).first()
            else { throw Problem.invalid("cursor", "is not a cursor of this list (its call is gone)") }
            let start: any Encodable & Sendable =
                if case .sqlite = services.persistence.kind {
                    try row.decode(column: "started_at", as: Double.self)
                } else {
                    try row.decode(column: "started_at", as: Date.self)
                }
            query = query.filter(
                .sql(
                    embed:
                        "(\(ident: "started_at") < \(bind: start) OR (\(ident: "started_at") = \(bind: start) AND \(ident: "id") < \(bind: after)))"
                ))
        }
        let rows = try await query.sort(\.$startedAt, .descending).sort(\.$id, .descending).limit(page.limit + 1).all()
        let items = Array(rows.prefix(page.limit))
        let next = rows.count > page.limit ? items.last?.id.map(Cursor.encode) : nil
        return Page(items: try await withLegs(items, scope), nextCursor: next)
    }

    @Sendable func active(_ request: Request, context: TenantAdminContext) async throws -> Page<CallDTO> {
        let db = services.db
        let scope = context.scope
        let rows = try await CallModel.scoped(scope, on: db).filter(\.$state ~~ CallState.live).sort(\.$id, .descending).limit(500).all()
        return Page(items: try await withLegs(rows, scope), nextCursor: nil)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> CallDTO {
        let db = services.db
        let scope = context.scope
        let call = try await CallModel.find(try context.id("call_id", "call"), in: scope, on: db, "call")
        return try await withLegs([call], scope)[0]
    }

    private func withLegs(_ calls: [CallModel], _ scope: TenantScope) async throws -> [CallDTO] {
        try await Self.withLegs(calls, scope, on: services.db)
    }

    /// The calls as DTOs with their legs (one query for all the legs).
    static func withLegs(_ calls: [CallModel], _ scope: TenantScope, on db: any Database) async throws -> [CallDTO] {
        let ids = calls.compactMap(\.id)
        let legs = ids.isEmpty ? [] : try await CallLegModel.scoped(scope, on: db).filter(\.$callID ~~ ids).all()
        let byCall = Dictionary(grouping: legs, by: \.callID)
        return try calls.map { try CallDTO($0, legs: byCall[try $0.requireID()] ?? []) }
    }
}
