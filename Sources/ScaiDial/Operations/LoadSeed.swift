import FluentKit
import Foundation
import Logging
import SQLKit

/// `scaidial bench-seed`: synthetic rows written in bulk, for the benchmark and for capacity tests
/// (what a large tenant looks like without driving a year of traffic through the API): live calls
/// (counted in their tenant's live-call counter, as the call path would), a call history spread
/// over the last 90 days, and extensions. Multi-row inserts of `chunk` rows, one transaction each.
public enum LoadSeed {
    public struct Options: Sendable {
        /// The tenant the calls go to; with `extensionsPerTenant`, the only tenant seeded (else all).
        public var tenant: UUID?
        public var liveCalls = 0
        public var historyCalls = 0
        public var extensionsPerTenant = 0
        public init() {}
    }

    /// Rows per INSERT (19 columns: far below SQLite's and PostgreSQL's bound-value limits).
    static let chunk = 500

    /// Writes what `options` asks for; answers one line per kind of row written.
    public static func run(_ config: AppConfig, _ options: Options) async throws -> [String] {
        guard let url = DatabaseURL.parse(config.databaseURL) else { throw Admin.Failure(description: "bad SCAIDIAL_DATABASE_URL") }
        var logger = Logger(label: "scaidial")
        logger.logLevel = .warning
        let p = try Persistence(url: url, logger: logger, postgresSearchPath: config.postgresSearchPath)
        do {
            try await p.migrate()
            // A bulk load: a page cache that holds the indexes being written (SQLite's default is 2 MB).
            if case .sqlite = url { try await p.db.sql().raw("PRAGMA cache_size = -262144").run() }
            let lines = try await seed(options, on: p.db, now: config.clock.now)
            await p.shutdown()
            return lines
        } catch {
            await p.shutdown()
            throw error
        }
    }

    static func seed(_ options: Options, on db: any Database, now: Date) async throws -> [String] {
        var lines: [String] = []
        if options.liveCalls > 0 || options.historyCalls > 0 {
            guard let tenant = options.tenant else { throw Admin.Failure(description: "--tenant is required for calls") }
            guard let did = try await DIDModel.query(on: db).filter(\.$tenantID == tenant).sort(\.$createdAt).first() else {
                throw Admin.Failure(description: "tenant \(tenant) has no number to seed calls to")
            }
            if options.liveCalls > 0 {
                try await calls(options.liveCalls, live: true, tenant: tenant, did: did, now: now, on: db)
                lines.append("seeded \(options.liveCalls) live calls")
            }
            if options.historyCalls > 0 {
                try await calls(options.historyCalls, live: false, tenant: tenant, did: did, now: now, on: db)
                lines.append("seeded \(options.historyCalls) past calls")
            }
        }
        if options.extensionsPerTenant > 0 {
            var query = TenantModel.query(on: db)
            if let tenant = options.tenant { query = query.filter(\.$id == tenant) }
            let tenants = try await query.all().compactMap(\.id)
            var rows: [[any Encodable & Sendable]] = []
            for tenant in tenants {
                for n in 0..<options.extensionsPerTenant {
                    rows.append([UUID.v7(now: now), tenant, "8\(String(format: "%05d", n))", "Seeded \(n)", "wave", false, 30, now])
                }
            }
            try await insert(
                "extensions", ["id", "tenant_id", "number", "name", "type", "voicemail_enabled", "ring_timeout_s", "created_at"],
                rows, on: db)
            lines.append("seeded \(rows.count) extensions in \(tenants.count) tenants")
        }
        return lines
    }

    /// `count` inbound calls to `did`: live ones waiting for their caller (`routing`), or finished
    /// ones (mostly completed, some missed, refused or to voicemail) started over the last 90 days.
    private static func calls(_ count: Int, live: Bool, tenant: UUID, did: DIDModel, now: Date, on db: any Database) async throws {
        let callColumns = [
            "id", "tenant_id", "direction", "state", "from_number", "to_number", "did_id", "trunk_id", "action", "room_name",
            "end_reason", "sip_status", "hops", "started_at", "answered_at", "ended_at", "phase",
        ]
        let legColumns = [
            "id", "tenant_id", "call_id", "kind", "state", "participant_identity", "destination", "started_at", "ended_at", "leg_key",
        ]
        let endings: [(CallPhase, EndReason, Int?)] = [
            (.ended, .completed, nil), (.ended, .completed, nil), (.ended, .completed, nil), (.ended, .callerHangup, nil),
            (.ended, .noAnswer, 480), (.ended, .voicemail, nil), (.failed, .noRoute, 480), (.failed, .overLimit, 503),
        ]
        var done = 0
        while done < count {
            let n = min(chunk, count - done)
            var callRows: [[any Encodable & Sendable]] = []
            var legRows: [[any Encodable & Sendable]] = []
            for i in 0..<n {
                let serial = done + i
                // In time order (oldest first), as real calls arrive: ids (UUIDv7) and the indexes
                // grow at their ends instead of at random places.
                let started =
                    live
                    ? now.addingTimeInterval(-Double(600 - serial % 600))
                    : now.addingTimeInterval(-90 * 86_400 + Double(serial) * (90 * 86_400 - 60) / Double(count))
                let id = UUID.v7(now: started)
                let from = "+3161\(String(format: "%07d", serial % 10_000_000))"
                let phase: CallPhase, reason: EndReason?, status: Int?
                if live {
                    (phase, reason, status) = (.routing, nil, nil)
                } else {
                    (phase, reason, status) = endings[serial % endings.count]
                }
                let ended: Date? = live ? nil : started.addingTimeInterval(Double(30 + serial % 300))
                let answered: Date? = reason == .completed || reason == .callerHangup ? started.addingTimeInterval(5) : nil
                callRows.append([
                    id, tenant, CallDirection.inbound.rawValue, phase.state(direction: .inbound).rawValue, from, did.number, did.id,
                    did.trunkID, ActionType.forward.rawValue, "seed-\(id.uuidString.lowercased())", reason?.rawValue, status, 0, started,
                    answered, ended, phase.rawValue,
                ])
                legRows.append([
                    UUID.v7(now: started), tenant, id, LegKind.sip.rawValue, (live ? LegState.ringing : .ended).rawValue, "sip_\(from)",
                    did.number, started, ended, CallMachine.Opening.callerKey,
                ])
            }
            let (calls, legs) = (callRows, legRows)
            try await db.transaction { tx in
                try await insert("calls", callColumns, calls, on: tx)
                try await insert("call_legs", legColumns, legs, on: tx)
                if live { try await LiveCallCounter.add([tenant: n], on: tx) }
            }
            done += n
        }
    }

    private static func insert(_ table: String, _ columns: [String], _ rows: [[any Encodable & Sendable]], on db: any Database) async throws
    {
        let sql = try db.sql()
        var start = 0
        while start < rows.count {
            let insert = sql.insert(into: table).columns(columns)
            for row in rows[start..<min(start + chunk, rows.count)] { insert.values(row.map { SQLBind($0) }) }
            try await insert.run()
            start += chunk
        }
    }
}
