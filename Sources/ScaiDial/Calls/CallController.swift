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

    /// A leg as the call store reads it (`CallStore.leg(_:)`).
    init(_ l: Leg) {
        id = l.id
        kind = l.kind
        state = l.state
        participantIdentity = l.identity
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

    /// Talk time: from the answer to the end (0 for a call never answered); nil while it is on.
    static func talkTime(answered: Date?, ended: Date?) -> Int? {
        ended.map { end in answered.map { Int(end.timeIntervalSince($0).rounded()) } ?? 0 }
    }

    /// A row of `calls` read with plain SQL, and its legs. Lists of calls are read without the ORM:
    /// FluentKit builds every model's columns by reflection, which cost most of a 50-call page.
    init(row c: any SQLRow, legs: [LegDTO]) throws {
        id = try c.decode(column: "id", as: UUID.self)
        direction = try c.value("direction")
        state = try c.value("state")
        from = try c.decode(column: "from_number", as: String.self)
        to = try c.decode(column: "to_number", as: String.self)
        didId = try c.optional("did_id")
        trunkId = try c.optional("trunk_id")
        dialplanId = try c.optional("dialplan_id")
        ruleId = try c.optional("rule_id")
        action = try c.optionalValue("action")
        roomName = try c.decode(column: "room_name", as: String.self)
        livekitCallId = try c.optional("livekit_call_id")
        endReason = try c.optionalValue("end_reason")
        sipStatus = try c.optional("sip_status")
        startedAt = try c.decode(column: "started_at", as: Date.self)
        let answered: Date? = try c.optional("answered_at")
        let ended: Date? = try c.optional("ended_at")
        answeredAt = answered
        endedAt = ended
        durationS = Self.talkTime(answered: answered, ended: ended)
        placedByUserId = try c.optional("placed_by_user_id")
        hops = try c.decode(column: "hops", as: Int.self)
        self.legs = legs.sorted { $0.startedAt < $1.startedAt }
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
        let sql = try services.db.sql()
        let scope = context.scope
        let q = request.uri.queryParameters
        let page = try PageRequest(request)
        let query = sql.select().column("*").from(CallModel.schema).where("tenant_id", .equal, scope.tenantID)
        var errors: [FieldError] = []
        if let d = q["direction"].map(String.init) {
            if let direction = CallDirection(rawValue: d) {
                query.where("direction", .equal, direction.rawValue)
            } else {
                errors.append(.init(field: "direction", message: "must be inbound or outbound"))
            }
        }
        if let s = q["state"].map(String.init) {
            if let state = CallState(rawValue: s) {
                query.where("state", .equal, state.rawValue)
            } else {
                errors.append(.init(field: "state", message: "must be one of routing, ringing, active, ended, failed"))
            }
        }
        if let n = q["number"].map(String.init), !n.isEmpty {
            query.where { $0.where("from_number", .like, "%\(n)%").orWhere("to_number", .like, "%\(n)%") }
        }
        for (key, op) in [("from", SQLBinaryOperator.greaterThanOrEqual), ("to", .lessThan)] {
            guard let raw = q[Substring(key)].map(String.init) else { continue }
            guard let date = Timestamps.parse(raw) else {
                errors.append(.init(field: key, message: "must be an RFC 3339 timestamp")); continue
            }
            query.where("started_at", op, date)
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
        // Newest first by when calls started, then by id; the cursor (the last id of a page) stands
        // for its call's place in that order. Filters and order then use one index (tenant, state,
        // started_at, id): a page reads about `limit` entries however many calls the tenant has.
        if let after = page.after {
            query.where(try await Self.after(after, tenant: scope.tenantID, on: sql))
        }
        let rows = try await query.orderBy("started_at", .descending).orderBy("id", .descending).limit(page.limit + 1).all()
        let items = Array(rows.prefix(page.limit))
        let calls = try await Self.withLegs(items, on: sql)
        let next = rows.count > page.limit ? calls.last.map { Cursor.encode($0.id) } : nil
        return Page(items: calls, nextCursor: next)
    }

    @Sendable func active(_ request: Request, context: TenantAdminContext) async throws -> Page<CallDTO> {
        let sql = try services.db.sql()
        let rows = try await sql.select().column("*").from(CallModel.schema).where("tenant_id", .equal, context.scope.tenantID)
            .where("state", .in, CallState.live.map(\.rawValue)).orderBy("id", .descending).limit(500).all()
        return Page(items: try await Self.withLegs(rows, on: sql), nextCursor: nil)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> CallDTO {
        let sql = try services.db.sql()
        let id = try context.id("call_id", "call")
        let rows = try await sql.select().column("*").from(CallModel.schema).where("id", .equal, id)
            .where("tenant_id", .equal, context.scope.tenantID).all()
        guard let call = try await Self.withLegs(rows, on: sql).first else { throw Problem.notFound("call") }
        return call
    }

    /// The condition for the calls after `cursor` in (started_at, id) order, newest first — 422 when
    /// the cursor names no call of the tenant. The row-value range is one index range, and the
    /// cursor's stored start never leaves the database (a `Date` read from SQLite is rounded to
    /// microseconds and would no longer equal its own row). `alias`: the listed calls' table alias.
    static func after(_ cursor: UUID, tenant: UUID, alias: String? = nil, on sql: any SQLDatabase) async throws -> SQLQueryString {
        guard
            try await sql.select().column("id").from(CallModel.schema).where("id", .equal, cursor)
                .where("tenant_id", .equal, tenant).first() != nil
        else { throw Problem.invalid("cursor", "is not a cursor of this list (its call is gone)") }
        let prefix = alias.map { "\($0)." } ?? ""
        return SQLQueryString(
            "(\(unsafeRaw: prefix)started_at, \(unsafeRaw: prefix)id) < (SELECT k.started_at, k.id FROM \(ident: CallModel.schema) k WHERE k.id = \(bind: cursor))"
        )
    }

    /// Rows of `calls` as DTOs with their legs (one query for all the legs).
    static func withLegs(_ calls: [any SQLRow], on sql: any SQLDatabase) async throws -> [CallDTO] {
        let ids = try calls.map { try $0.decode(column: "id", as: UUID.self) }
        let legs =
            ids.isEmpty
            ? [] : try await sql.select().column("*").from(CallLegModel.schema).where("call_id", .in, ids).all()
        var byCall: [UUID: [LegDTO]] = [:]
        for leg in legs { byCall[try leg.decode(column: "call_id", as: UUID.self), default: []].append(LegDTO(try CallStore.leg(leg))) }
        return try zip(calls, ids).map { try CallDTO(row: $0, legs: byCall[$1] ?? []) }
    }
}
