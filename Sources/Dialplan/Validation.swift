/// One invalid field of a request, named by its snake_case JSON path ("conditions.time_from").
public struct FieldError: Sendable, Equatable, Codable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Every invalid field of a request (never empty).
public struct ValidationFailure: Error, Sendable, Equatable {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) { self.errors = errors }
}

/// A rule's conditions as raw strings, exactly as they arrive in JSON.
public struct RuleInput: Sendable {
    public var caller: String?
    public var callee: String?
    public var days: [String]?
    public var timeFrom: String?
    public var timeTo: String?
    public var dateFrom: String?
    public var dateTo: String?

    public init(
        caller: String? = nil, callee: String? = nil, days: [String]? = nil,
        timeFrom: String? = nil, timeTo: String? = nil, dateFrom: String? = nil, dateTo: String? = nil
    ) {
        self.caller = caller
        self.callee = callee
        self.days = days
        self.timeFrom = timeFrom
        self.timeTo = timeTo
        self.dateFrom = dateFrom
        self.dateTo = dateTo
    }
}

/// Validation of rule fields on write; every bad field is reported, not only the first.
public enum RuleValidation {
    /// Parses raw condition strings into `Conditions`.
    ///
    /// nil and "" both mean "no condition" (so does an empty `days` list). Failures name each field:
    /// `conditions.caller` / `conditions.callee` (pattern errors), `conditions.days[i]` (unknown or
    /// duplicate day; days are "mon"..."sun", any case), `conditions.time_from` / `conditions.time_to`
    /// ("HH:MM"; both or neither; equal times are an empty window, reported on `time_to`),
    /// `conditions.date_from` / `conditions.date_to` ("YYYY-MM-DD"; `date_to` before `date_from` is
    /// reported on `date_to`). Days come back in week order.
    public static func conditions(_ input: RuleInput) -> Result<Conditions, ValidationFailure> {
        var errors: [FieldError] = []
        func fail(_ field: String, _ message: String) {
            errors.append(FieldError(field: "conditions." + field, message: message))
        }
        func pattern(_ raw: String?, _ field: String) -> Pattern? {
            guard let raw = present(raw) else { return nil }
            do { return try Pattern(raw) } catch { fail(field, error.message) }
            return nil
        }
        let caller = pattern(input.caller, "caller")
        let callee = pattern(input.callee, "callee")

        var days: [Weekday] = []
        for (i, raw) in (input.days ?? []).enumerated() {
            guard let day = Weekday(rawValue: raw.lowercased()) else {
                fail("days[\(i)]", "unknown day '\(raw)'; use mon, tue, wed, thu, fri, sat, sun")
                continue
            }
            if days.contains(day) { fail("days[\(i)]", "'\(day.rawValue)' is listed twice") } else { days.append(day) }
        }

        let timeMessage = "must be a time HH:MM between 00:00 and 23:59"
        let fromRaw = present(input.timeFrom), toRaw = present(input.timeTo)
        let timeFrom = fromRaw.flatMap(TimeOfDay.init), timeTo = toRaw.flatMap(TimeOfDay.init)
        if fromRaw != nil, timeFrom == nil { fail("time_from", timeMessage) }
        if toRaw != nil, timeTo == nil { fail("time_to", timeMessage) }
        if fromRaw == nil, toRaw != nil { fail("time_from", "is required when time_to is set") }
        if fromRaw != nil, toRaw == nil { fail("time_to", "is required when time_from is set") }
        if let timeFrom, let timeTo, timeFrom == timeTo {
            fail("time_to", "must differ from time_from (the window would be empty; omit both for all day)")
        }

        let dateMessage = "must be a real date YYYY-MM-DD"
        let dateFromRaw = present(input.dateFrom), dateToRaw = present(input.dateTo)
        let dateFrom = dateFromRaw.flatMap(LocalDate.init), dateTo = dateToRaw.flatMap(LocalDate.init)
        if dateFromRaw != nil, dateFrom == nil { fail("date_from", dateMessage) }
        if dateToRaw != nil, dateTo == nil { fail("date_to", dateMessage) }
        if let dateFrom, let dateTo, dateTo < dateFrom { fail("date_to", "must not be before date_from") }

        guard errors.isEmpty else { return .failure(ValidationFailure(errors)) }
        let ordered = Weekday.allCases.filter(days.contains)
        return .success(
            Conditions(
                caller: caller, callee: callee, days: ordered.isEmpty ? nil : ordered,
                timeFrom: timeFrom, timeTo: timeTo, dateFrom: dateFrom, dateTo: dateTo))
    }

    /// A hangup's SIP status: nil (the default) or 400...699; otherwise an error on `action.sip_status`.
    public static func hangupStatus(_ status: Int?) -> FieldError? {
        guard let status, !(400...699).contains(status) else { return nil }
        return FieldError(field: "action.sip_status", message: "must be a SIP error status between 400 and 699")
    }

    static func present(_ raw: String?) -> String? {
        guard let raw, !raw.isEmpty else { return nil }
        return raw
    }
}
