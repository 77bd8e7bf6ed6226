import FluentKit
import Foundation
import Hummingbird
import SQLKit

/// `GET /v1/tenants/{t}/dashboard`: the console's first page — today's calls on the tenant's
/// clock, what waits for someone, and how far the tenant's set-up has come.
struct DashboardController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        router.tenantAdmin(services.db).get("/dashboard", use: dashboard)
    }

    struct SetupDTO: Encodable, Sendable {
        /// A trunk to the carrier exists.
        let trunk: Bool
        /// A number exists.
        let number: Bool
        /// An extension exists.
        let `extension`: Bool
        /// Someone holds a grant on an extension (the person the phone rings).
        let user: Bool
        /// A number follows a dialplan that has a rule.
        let dialplan: Bool
        /// A dialplan was tried in the simulator.
        let simulated: Bool
    }

    struct DashboardDTO: ResponseEncodable, Sendable {
        let liveCalls: Int
        /// Calls that started since midnight on the tenant's clock (`day_start`).
        let callsToday: Int
        /// Inbound calls of today that rang an extension, were never answered and left no voicemail.
        let missedToday: Int
        /// Unread voicemail messages, whatever their age.
        let voicemailUnread: Int
        let dayStart: Date
        let setup: SetupDTO
    }

    @Sendable func dashboard(_ request: Request, context: TenantAdminContext) async throws -> DashboardDTO {
        let db = services.db
        let sql = try db.sql()
        let tenantID = context.scope.tenantID
        guard let tenant = try await TenantModel.find(tenantID, on: db) else { throw Problem.notFound("tenant") }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: tenant.timezone) ?? .gmt
        let dayStart = calendar.startOfDay(for: services.config.clock.now)
        let live = CallState.live.map(\.rawValue)
        let over = [CallState.ended.rawValue, CallState.failed.rawValue]
        let row = try await sql.raw(
            """
            SELECT
              (SELECT COUNT(*) FROM calls WHERE tenant_id = \(bind: tenantID) AND state IN (\(binds: live))) AS live_calls,
              (SELECT COUNT(*) FROM calls WHERE tenant_id = \(bind: tenantID) AND started_at >= \(bind: dayStart)) AS calls_today,
              (SELECT COUNT(*) FROM calls WHERE tenant_id = \(bind: tenantID) AND started_at >= \(bind: dayStart)
                 AND direction = \(bind: CallDirection.inbound.rawValue) AND action = \(bind: ActionType.ringExtension.rawValue)
                 AND answered_at IS NULL AND state IN (\(binds: over))
                 AND (end_reason IS NULL OR end_reason <> \(bind: EndReason.voicemail.rawValue))) AS missed_today,
              (SELECT COUNT(*) FROM voicemail_messages WHERE tenant_id = \(bind: tenantID) AND read = \(bind: false)) AS voicemail_unread,
              (SELECT COUNT(*) FROM trunks WHERE tenant_id = \(bind: tenantID)) AS trunks,
              (SELECT COUNT(*) FROM dids WHERE tenant_id = \(bind: tenantID)) AS numbers,
              (SELECT COUNT(*) FROM extensions WHERE tenant_id = \(bind: tenantID)) AS extensions,
              (SELECT COUNT(*) FROM extension_grants WHERE tenant_id = \(bind: tenantID)) AS grants,
              (SELECT COUNT(*) FROM dids d WHERE d.tenant_id = \(bind: tenantID)
                 AND EXISTS (SELECT 1 FROM dialplan_rules r WHERE r.dialplan_id = d.dialplan_id)) AS routed,
              (SELECT COUNT(*) FROM dialplans WHERE tenant_id = \(bind: tenantID) AND simulated_at IS NOT NULL) AS simulated
            """
        ).first()
        guard let row else { throw Problem.notFound("tenant") }
        func count(_ column: String) throws -> Int { try row.decode(column: column, as: Int.self) }
        return DashboardDTO(
            liveCalls: try count("live_calls"), callsToday: try count("calls_today"), missedToday: try count("missed_today"),
            voicemailUnread: try count("voicemail_unread"), dayStart: dayStart,
            setup: SetupDTO(
                trunk: try count("trunks") > 0, number: try count("numbers") > 0, extension: try count("extensions") > 0,
                user: try count("grants") > 0, dialplan: try count("routed") > 0, simulated: try count("simulated") > 0))
    }
}
