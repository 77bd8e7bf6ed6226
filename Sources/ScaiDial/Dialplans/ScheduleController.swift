import Dialplan
import FluentKit
import Foundation
import Hummingbird
import SQLKit

/// One opening-hours window as the API writes it.
struct HoursDTO: Codable, Sendable, Equatable {
    let days: [String]
    let timeFrom: String
    let timeTo: String
}

/// One holiday as the API writes it.
struct HolidayDTO: Codable, Sendable, Equatable {
    let name: String
    let dateFrom: String
    let dateTo: String
}

struct ScheduleDTO: ResponseEncodable, Sendable {
    let id: UUID
    let name: String
    let hours: [HoursDTO]
    let holidays: [HolidayDTO]
    @Nullable var createdAt: Date?

    init(_ s: ScheduleModel) throws {
        id = try s.requireID()
        name = s.name
        hours = ScheduleStore.decode([HoursDTO].self, s.hours)
        holidays = ScheduleStore.decode([HolidayDTO].self, s.holidays)
        createdAt = s.createdAt
    }
}

/// A tenant's schedules as the `Dialplan` target reads them, and their JSON columns.
enum ScheduleStore {
    static func decode<T: Decodable>(_ type: [T].Type, _ text: String) -> [T] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (try? decoder.decode(type, from: Data(text.utf8))) ?? []
    }

    static func encode<T: Encodable>(_ value: [T]) -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
    }

    /// The stored schedule as the `Dialplan` value (rows were validated on write; a window or holiday
    /// that no longer parses is left out).
    static func named(_ s: ScheduleModel) -> NamedSchedule {
        NamedSchedule(
            hours: decode([HoursDTO].self, s.hours).compactMap { w in
                guard let from = TimeOfDay(w.timeFrom), let to = TimeOfDay(w.timeTo) else { return nil }
                return HoursWindow(days: w.days.compactMap(Weekday.init(rawValue:)), from: from, to: to)
            },
            holidays: decode([HolidayDTO].self, s.holidays).compactMap { h in
                guard let from = LocalDate(h.dateFrom), let to = LocalDate(h.dateTo) else { return nil }
                return Holiday(name: h.name, from: from, to: to)
            })
    }

    /// The schedules `rules` refer to, by id, within `tenant`.
    static func referenced(by rules: [RuleModel], tenant: UUID, on db: any Database) async throws -> [UUID: (String, NamedSchedule)] {
        let ids = Set(rules.compactMap(\.scheduleID))
        guard !ids.isEmpty else { return [:] }
        let rows = try await ScheduleModel.query(on: db).filter(\.$tenantID == tenant).filter(\.$id ~~ Array(ids)).all()
        return Dictionary(uniqueKeysWithValues: try rows.map { (try $0.requireID(), ($0.name, named($0))) })
    }
}

/// `/v1/tenants/{t}/schedules`: named office hours and holidays that rules use ("during",
/// "outside", "holiday"). A change recompiles the dialplans that use it on their next call; a
/// schedule that rules use cannot be deleted (409 `schedule_in_use`, naming them).
struct ScheduleController {
    let services: AppServices

    func register(on router: some RouterMethods<AppRequestContext>) {
        let admin = router.tenantAdmin(services.db)
        admin.get("/schedules", use: list)
        admin.post("/schedules", use: create)
        admin.get("/schedules/:schedule_id", use: get)
        admin.patch("/schedules/:schedule_id", use: update)
        admin.delete("/schedules/:schedule_id", use: delete)
    }

    @Sendable func list(_ request: Request, context: TenantAdminContext) async throws -> Page<ScheduleDTO> {
        let page = try await ScheduleModel.scoped(context.scope, on: services.db).page(PageRequest(request))
        return Page(items: try page.items.map(ScheduleDTO.init), nextCursor: page.nextCursor)
    }

    @Sendable func get(_ request: Request, context: TenantAdminContext) async throws -> ScheduleDTO {
        try ScheduleDTO(try await find(context))
    }

    @Sendable func create(_ request: Request, context: TenantAdminContext) async throws -> EditedResponse<ScheduleDTO> {
        let input = try await request.jsonObject(context: context)
        let schedule = ScheduleModel()
        schedule.id = .v7()
        schedule.tenantID = context.scope.tenantID
        schedule.hours = "[]"
        schedule.holidays = "[]"
        read(input, into: schedule, creating: true)
        try input.errors.check()
        try await save(schedule, context.scope) { try await schedule.create(on: $0) }
        return .init(status: .created, response: try ScheduleDTO(schedule))
    }

    @Sendable func update(_ request: Request, context: TenantAdminContext) async throws -> ScheduleDTO {
        let schedule = try await find(context)
        let input = try await request.jsonObject(context: context)
        read(input, into: schedule, creating: false)
        try input.errors.check()
        try await save(schedule, context.scope) { try await schedule.update(on: $0) }
        return try ScheduleDTO(schedule)
    }

    @Sendable func delete(_ request: Request, context: TenantAdminContext) async throws -> HTTPResponse.Status {
        let db = services.db
        let schedule = try await find(context)
        let users = try await RuleModel.scoped(context.scope, on: db).filter(\.$scheduleID == schedule.requireID()).all()
        if !users.isEmpty {
            let plans = try await DialplanModel.scoped(context.scope, on: db).filter(\.$id ~~ users.map(\.dialplanID)).all()
            let names = plans.map { "\"\($0.name)\"" }.sorted().joined(separator: ", ")
            throw Problem.conflict("\(users.count) rule(s) use this schedule (dialplan \(names)); change them first")
                .coded("schedule_in_use")
        }
        try await schedule.delete(on: db)
        return .noContent
    }

    private func find(_ context: TenantAdminContext) async throws -> ScheduleModel {
        try await ScheduleModel.find(try context.id("schedule_id", "schedule"), in: context.scope, on: services.db, "schedule")
    }

    /// Name, hours and holidays; each list, when given, replaces the stored one whole.
    private func read(_ input: Input, into schedule: ScheduleModel, creating: Bool) {
        if let name = input.string("name", required: creating, maxLength: 100) {
            if name.trimmingCharacters(in: .whitespaces).isEmpty { input.fail("name", "must not be empty") } else { schedule.name = name }
        }
        if let windows = input.array("hours") {
            if windows.count > 50 { input.fail("hours", "at most 50 windows") }
            var hours: [HoursDTO] = []
            for w in windows {
                let days = w.stringArray("days", required: true, maxCount: 7) ?? []
                if days.isEmpty, w.has("days") { w.fail("days", "must name at least one day") }
                for day in days where Weekday(rawValue: day) == nil { w.fail("days", "must be days mon, tue, wed, thu, fri, sat, sun") }
                let from = w.string("time_from", required: true, maxLength: 5)
                let to = w.string("time_to", required: true, maxLength: 5)
                if let from, TimeOfDay(from) == nil { w.fail("time_from", "must be a time HH:MM, 00:00 to 23:59") }
                if let to, TimeOfDay(to) == nil { w.fail("time_to", "must be a time HH:MM, 00:00 to 23:59") }
                if let from, let to, from == to { w.fail("time_to", "must differ from time_from (an empty window)") }
                if let from, let to { hours.append(HoursDTO(days: days, timeFrom: from, timeTo: to)) }
            }
            schedule.hours = ScheduleStore.encode(hours)
        }
        if let items = input.array("holidays") {
            if items.count > 366 { input.fail("holidays", "at most 366 holidays") }
            var holidays: [HolidayDTO] = []
            for h in items {
                let name = h.string("name", required: true, maxLength: 100)
                let from = h.string("date_from", required: true, maxLength: 10)
                let to = h.string("date_to", maxLength: 10) ?? from
                let fromDate = from.flatMap(LocalDate.init), toDate = to.flatMap(LocalDate.init)
                if from != nil, fromDate == nil { h.fail("date_from", "must be a date YYYY-MM-DD") }
                if h.has("date_to"), to != nil, toDate == nil { h.fail("date_to", "must be a date YYYY-MM-DD") }
                if let fromDate, let toDate, toDate < fromDate { h.fail("date_to", "must not be before date_from") }
                if let name, let from, let to { holidays.append(HolidayDTO(name: name, dateFrom: from, dateTo: to)) }
            }
            schedule.holidays = ScheduleStore.encode(holidays)
        }
    }

    private func save(
        _ schedule: ScheduleModel, _ scope: TenantScope, _ write: @escaping @Sendable (any Database) async throws -> Void
    )
        async throws
    {
        let db = services.db
        let clash = try await ScheduleModel.scoped(scope, on: db).filter(\.$name == schedule.name)
            .filter(\.$id != schedule.requireID()).count()
        if clash > 0 { throw Problem.conflict("a schedule named \"\(schedule.name)\" already exists") }
        try await db.uniquely("a schedule with this name") {
            try await db.transaction { tx in
                try await write(tx)
                // Compiled plans hold the schedule: the dialplans whose rules use it recompile.
                let id = try schedule.requireID()
                try await DialplanModel.bumpRulesVersion(on: tx) {
                    $0.where("tenant_id", .equal, scope.tenantID)
                        .where(
                            SQLQueryString(
                                "\(ident: "id") IN (SELECT r.dialplan_id FROM \(ident: RuleModel.schema) r WHERE r.schedule_id = \(bind: id))"
                            ))
                }
            }
        }
    }
}
