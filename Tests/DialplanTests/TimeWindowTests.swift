import Foundation
import Testing

@testable import Dialplan

@Suite struct TimeWindowTests {
    let twoToThree = Conditions(timeFrom: TimeOfDay("02:00"), timeTo: TimeOfDay("03:00"))

    @Test func fromIsInclusiveAndToExclusive() {
        let office = Conditions(timeFrom: TimeOfDay("09:00"), timeTo: TimeOfDay("17:00"))
        #expect(!holds(office, at: instant("2026-06-17T08:59:59+02:00")))
        #expect(holds(office, at: instant("2026-06-17T09:00:00+02:00")))
        #expect(holds(office, at: instant("2026-06-17T16:59:59+02:00")))
        #expect(!holds(office, at: instant("2026-06-17T17:00:00+02:00")))
    }

    @Test func wrappingWindowSpansMidnight() {
        let night = Conditions(timeFrom: TimeOfDay("22:00"), timeTo: TimeOfDay("06:00"))
        #expect(holds(night, at: instant("2026-06-17T23:00:00+02:00")))
        #expect(holds(night, at: instant("2026-06-17T22:00:00+02:00")))
        #expect(holds(night, at: instant("2026-06-18T00:00:00+02:00")))
        #expect(holds(night, at: instant("2026-06-18T05:59:00+02:00")))
        #expect(!holds(night, at: instant("2026-06-18T06:00:00+02:00")))
        #expect(!holds(night, at: instant("2026-06-17T21:59:00+02:00")))
        #expect(!holds(night, at: instant("2026-06-17T12:00:00+02:00")))
    }

    @Test func windowEndingAtMidnightRunsToTheEndOfTheDay() {
        let evening = Conditions(timeFrom: TimeOfDay("22:00"), timeTo: TimeOfDay("00:00"))
        #expect(holds(evening, at: instant("2026-06-17T23:59:00+02:00")))
        #expect(!holds(evening, at: instant("2026-06-18T00:00:00+02:00")))
    }

    @Test func equalEndsAreAnEmptyWindow() {
        let empty = Conditions(timeFrom: TimeOfDay("09:00"), timeTo: TimeOfDay("09:00"))
        #expect(matchingMinutes(empty, from: instant("2026-06-17T00:00:00+02:00"), hours: 24, in: amsterdam) == 0)
    }

    @Test func aMissingEndIsMidnight() {
        let fromOnly = Conditions(timeFrom: TimeOfDay("22:00"))
        let toOnly = Conditions(timeTo: TimeOfDay("02:00"))
        let day = instant("2026-06-17T00:00:00+02:00")
        #expect(matchingMinutes(fromOnly, from: day, hours: 24, in: amsterdam) == 120)
        #expect(matchingMinutes(toOnly, from: day, hours: 24, in: amsterdam) == 120)
    }

    @Test func daysAreCheckedAgainstTheCurrentLocalDayEvenInAWrappingWindow() {
        let fridayNights = Conditions(days: [.fri], timeFrom: TimeOfDay("22:00"), timeTo: TimeOfDay("06:00"))
        #expect(holds(fridayNights, at: instant("2026-06-19T23:00:00+02:00")))  // Fri 23:00
        #expect(holds(fridayNights, at: instant("2026-06-19T01:00:00+02:00")))  // Fri 01:00
        #expect(!holds(fridayNights, at: instant("2026-06-20T01:00:00+02:00")))  // Sat 01:00
        #expect(!holds(fridayNights, at: instant("2026-06-18T23:00:00+02:00")))  // Thu 23:00
    }

    @Test func schedulesUseTheTenantZone() {
        let office = Conditions(days: [.fri], timeFrom: TimeOfDay("09:00"), timeTo: TimeOfDay("17:00"))
        let at = instant("2026-06-19T14:00:00Z")  // Fri 16:00 Amsterdam, Fri 10:00 New York, Sat 00:00 Sydney
        #expect(holds(office, at: at, in: amsterdam))
        #expect(holds(office, at: at, in: newYork))
        #expect(!holds(office, at: at, in: zone("Australia/Sydney")))
    }

    @Test func springForwardInAmsterdamSkipsTheWindow() {
        // 2026-03-29: 02:00 CET jumps to 03:00 CEST; local 02:00-02:59 never happens.
        let day = instant("2026-03-29T00:00:00+01:00")
        #expect(matchingMinutes(twoToThree, from: day, hours: 23, in: amsterdam) == 0)
        #expect(!holds(twoToThree, at: instant("2026-03-29T01:00:00Z"), in: amsterdam))  // 03:00 CEST
        #expect(holds(twoToThree, at: instant("2026-03-28T02:30:00+01:00"), in: amsterdam))  // the day before
    }

    @Test func fallBackInAmsterdamMatchesTheRepeatedHourTwice() {
        // 2026-10-25: 03:00 CEST falls back to 02:00 CET; local 02:30 happens at 00:30Z and 01:30Z.
        #expect(holds(twoToThree, at: instant("2026-10-25T00:30:00Z"), in: amsterdam))
        #expect(holds(twoToThree, at: instant("2026-10-25T01:30:00Z"), in: amsterdam))
        let day = instant("2026-10-25T00:00:00+02:00")
        #expect(matchingMinutes(twoToThree, from: day, hours: 25, in: amsterdam) == 120)
    }

    @Test func newYorkTransitions() {
        // 2026-03-08: 02:00 EST jumps to 03:00 EDT. 2026-11-01: 02:00 EDT falls back to 01:00 EST.
        let oneToTwo = Conditions(timeFrom: TimeOfDay("01:00"), timeTo: TimeOfDay("02:00"))
        #expect(matchingMinutes(twoToThree, from: instant("2026-03-08T00:00:00-05:00"), hours: 23, in: newYork) == 0)
        #expect(matchingMinutes(oneToTwo, from: instant("2026-11-01T00:00:00-04:00"), hours: 25, in: newYork) == 120)
        #expect(holds(oneToTwo, at: instant("2026-11-01T05:30:00Z"), in: newYork))  // 01:30 EDT
        #expect(holds(oneToTwo, at: instant("2026-11-01T06:30:00Z"), in: newYork))  // 01:30 EST
        #expect(matchingMinutes(oneToTwo, from: instant("2026-11-02T00:00:00-05:00"), hours: 24, in: newYork) == 60)
    }
}

@Suite struct DateAndDayConditionTests {
    @Test func dateRangeIsInclusiveInLocalDates() {
        let christmas = Conditions(dateFrom: LocalDate("2026-12-24"), dateTo: LocalDate("2026-12-26"))
        #expect(!holds(christmas, at: instant("2026-12-23T23:59:00+01:00")))
        #expect(holds(christmas, at: instant("2026-12-24T00:00:00+01:00")))
        #expect(holds(christmas, at: instant("2026-12-26T23:59:00+01:00")))
        #expect(!holds(christmas, at: instant("2026-12-27T00:00:00+01:00")))
        // 23:30Z on the 23rd is already the 24th in Amsterdam.
        #expect(holds(christmas, at: instant("2026-12-23T23:30:00Z")))
    }

    @Test func openEndedDateRanges() {
        let fromNewYear = Conditions(dateFrom: LocalDate("2027-01-01"))
        let untilNewYear = Conditions(dateTo: LocalDate("2026-12-31"))
        #expect(!holds(fromNewYear, at: instant("2026-12-31T12:00:00+01:00")))
        #expect(holds(fromNewYear, at: instant("2030-06-01T12:00:00+02:00")))
        #expect(holds(untilNewYear, at: instant("2000-01-01T12:00:00+01:00")))
        #expect(!holds(untilNewYear, at: instant("2027-01-01T00:00:00+01:00")))
    }

    @Test func dayConditions() {
        let weekend = Conditions(days: [.sat, .sun])
        #expect(holds(weekend, at: instant("2026-06-20T12:00:00+02:00")))
        #expect(holds(weekend, at: instant("2026-06-21T23:59:00+02:00")))
        #expect(!holds(weekend, at: instant("2026-06-22T00:00:00+02:00")))
        #expect(holds(Conditions(days: []), at: instant("2026-06-22T00:00:00+02:00")))
    }
}
