import Foundation
import Hummingbird
import SQLKit

/// One line of a user's call log, as a phone shows it: who, which way, and how it went.
struct RecentCallDTO: ResponseEncodable, Sendable {
    /// How the call went for this user.
    enum Kind: String, Codable, Sendable {
        /// Placed by this user (click-to-call).
        case outgoing
        /// Rang this user's extension and this user answered.
        case incoming
        /// Rang this user's extension; a colleague (or a forward, a bot) took it.
        case answeredElsewhere = "answered_elsewhere"
        /// Rang this user's extension and went to its voicemail.
        case voicemail
        /// Rang this user's extension and nobody took it.
        case missed
        /// Still ringing.
        case ringing
    }

    let id: UUID
    let kind: Kind
    let direction: CallDirection
    let state: CallState
    /// The other party's number (the callee of an outgoing call, else the caller).
    let number: String
    /// The extension the call rang, or the one it was placed from.
    @Nullable var extensionNumber: String?
    @Nullable var extensionName: String?
    let startedAt: Date
    /// Talk time (0 for a call never answered); null while the call is on.
    @Nullable var durationS: Int?

    /// What a call was for `user`, from its row.
    static func kind(
        direction: CallDirection, state: CallState, action: ActionType?, answeredBy: UUID?, answered: Bool, endReason: EndReason?,
        user: UUID
    ) -> Kind {
        if direction == .outbound { return .outgoing }
        if answeredBy == user { return .incoming }
        if answeredBy != nil { return .answeredElsewhere }
        // Voicemail answers the caller too: a message (or its greeting) is not a call taken.
        if endReason == .voicemail || action == .voicemail { return .voicemail }
        if answered { return .answeredElsewhere }
        return state == .ringing || state == .routing ? .ringing : .missed
    }
}

/// `GET /me/calls`: the signed-in user's recent calls, newest first — those they placed, those they
/// answered, and every inbound call that rang an extension they hold a grant on (missed ones too).
struct RecentsController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.member(services.db).get("/me/calls", use: list)
    }

    @Sendable func list(_ request: Request, context: MemberContext) async throws -> Page<RecentCallDTO> {
        let sql = try services.db.sql()
        let scope = context.scope
        let user = scope.identity.userID
        let page = try PageRequest(request)
        var after = SQLQueryString("")
        if let cursor = page.after {
            let condition = try await CallController.after(cursor, tenant: scope.tenantID, alias: "c", on: sql)
            after = "AND \(condition)"
        }
        let rows = try await sql.raw(
            """
            SELECT c.id, c.direction, c.state, c.from_number, c.to_number, c.started_at, c.answered_at, c.ended_at,
              c.end_reason, c.action, c.answered_by_user_id, e.number AS extension_number, e.name AS extension_name
            FROM calls c LEFT JOIN extensions e ON e.id = COALESCE(c.extension_id,
              (SELECT l.extension_id FROM call_legs l WHERE l.call_id = c.id AND l.extension_id IS NOT NULL
               ORDER BY l.started_at LIMIT 1))
            WHERE c.tenant_id = \(bind: scope.tenantID)
              AND (c.placed_by_user_id = \(bind: user) OR c.answered_by_user_id = \(bind: user)
                OR (c.direction = \(bind: CallDirection.inbound.rawValue)
                  AND c.extension_id IN (SELECT g.extension_id FROM extension_grants g WHERE g.user_id = \(bind: user))))
              \(after)
            ORDER BY c.started_at DESC, c.id DESC LIMIT \(literal: page.limit + 1)
            """
        ).all()
        let items = try rows.prefix(page.limit).map { row in
            let direction = try row.value("direction", as: CallDirection.self)
            let state = try row.value("state", as: CallState.self)
            let answered: Date? = try row.optional("answered_at")
            let ended: Date? = try row.optional("ended_at")
            return RecentCallDTO(
                id: try row.decode(column: "id", as: UUID.self),
                kind: RecentCallDTO.kind(
                    direction: direction, state: state, action: try row.optionalValue("action"),
                    answeredBy: try row.optional("answered_by_user_id"), answered: answered != nil,
                    endReason: try row.optionalValue("end_reason"), user: user),
                direction: direction, state: state,
                number: try row.decode(column: direction == .outbound ? "to_number" : "from_number", as: String.self),
                extensionNumber: try row.optional("extension_number"), extensionName: try row.optional("extension_name"),
                startedAt: try row.decode(column: "started_at", as: Date.self),
                durationS: CallDTO.talkTime(answered: answered, ended: ended))
        }
        return Page(items: items, nextCursor: rows.count > page.limit ? items.last.map { Cursor.encode($0.id) } : nil)
    }
}
