import Testing

@testable import Dialplan

/// Issue 14, item 5: numbers as the numbering plans define them (the oracle test in Tests/oracle/test_numbering.py
/// compares the same behaviour with libphonenumber over every region's numbers).
@Suite struct NumberingPlanNormalizeTests {
    @Test func ownInternationalPrefixMakesANumberInternational() throws {
        // Both used to keep the prefix: "+1161212345869", "+811081312345435".
        #expect(try E164.normalize("0011 61 2 1234 5869", defaultCountry: "AU") == "+61212345869")
        #expect(try E164.normalize("010 81 3-1234-5435", defaultCountry: "JP") == "+81312345435")
        #expect(try E164.normalize("0011 44 20 7946 0018", defaultCountry: "AU") == "+442079460018")
        #expect(try E164.normalize("011 44 20 7946 0018", defaultCountry: "JM") == "+442079460018")
        #expect(try E164.normalize("8~10 44 20 7946 0018", defaultCountry: "RU") == "+442079460018")
        #expect(try E164.normalize("810 49 30 123456", defaultCountry: "KZ") == "+4930123456")
        #expect(try E164.normalize("00700 44 20 7946 0018", defaultCountry: "KR") == "+442079460018")
        #expect(try E164.normalize("0021 44 20 7946 0018", defaultCountry: "BR") == "+442079460018")
        #expect(try E164.normalize("009 44 20 7946 0018", defaultCountry: "NG") == "+442079460018")
        #expect(try E164.normalize("119 44 20 7946 0018", defaultCountry: "CU") == "+442079460018")
    }

    @Test func doubleZeroIsInternationalEverywhereButLongerOwnPrefixesWin() throws {
        #expect(try E164.normalize("00 44 20 7946 0018", defaultCountry: "AU") == "+442079460018")
        #expect(try E164.normalize("00 44 20 7946 0018", defaultCountry: "JP") == "+442079460018")
        #expect(try E164.normalize("0044 20 7946 0018", defaultCountry: "KR") == "+442079460018")
        // In Korea "001" is an exit code: what follows is the number, calling code first.
        #expect(try E164.normalize("001 44 20 7946 0018", defaultCountry: "KR") == "+442079460018")
        // In Australia "0014" is a carrier's exit code, so "0014 ..." is not "+14...".
        #expect(try E164.normalize("0014 44 20 7946 0018", defaultCountry: "AU") == "+442079460018")
    }

    @Test func nationalPrefixesAreTheCountrys() throws {
        #expect(try E164.normalize("(02) 1234 5869", defaultCountry: "AU") == "+61212345869")
        #expect(try E164.normalize("03-1234-5435", defaultCountry: "JP") == "+81312345435")
        #expect(try E164.normalize("8 (771) 000 9998", defaultCountry: "KZ") == "+77710009998")
        #expect(try E164.normalize("8 029 491-19-11", defaultCountry: "BY") == "+375294911911")
        #expect(try E164.normalize("8 0152 45-09-11", defaultCountry: "BY") == "+375152450911")
        #expect(try E164.normalize("(8 12) 34-56-78", defaultCountry: "TM") == "+99312345678")
        #expect(try E164.normalize("01 44 12 34", defaultCountry: "GA") == "+24101441234")  // Gabon's 0 is the number's
        #expect(try E164.normalize("876 555 0123", defaultCountry: "JM") == "+18765550123")
    }

    @Test func argentineMobilesLoseTheirFifteenAndGainANine() throws {
        #expect(try E164.normalize("011 15-2345-6789", defaultCountry: "AR") == "+5491123456789")
        #expect(try E164.normalize("0221 15 123-4567", defaultCountry: "AR") == "+5492211234567")
        #expect(try E164.normalize("02202 15 12-3456", defaultCountry: "AR") == "+5492202123456")
        #expect(try E164.normalize("011 2345-6789", defaultCountry: "AR") == "+541123456789")
        #expect(try E164.normalize("+54 9 11 2345-6789", defaultCountry: "AR") == "+5491123456789")
    }
}

@Suite struct NumberingPlanRegionTests {
    @Test(arguments: [
        ("+12125550123", "US"), ("+16135550199", "CA"), ("+18765550123", "JM"), ("+16585550123", "JM"),
        ("+18095550123", "DO"), ("+18295550123", "DO"), ("+17875550123", "PR"), ("+16715550123", "GU"),
        ("+12735550123", "CA"), ("+18005550123", "US"), ("+18885550123", "US"), ("+19005550123", "US"),
        ("+77012345678", "KZ"), ("+77123456789", "KZ"), ("+74951234567", "RU"), ("+79123456789", "RU"),
        ("+78001234567", "RU"), ("+442079460018", "GB"), ("+441534456789", "JE"), ("+441481256789", "GG"),
        ("+441624756789", "IM"), ("+447624123456", "IM"), ("+390669812345", "VA"), ("+390612345678", "IT"),
        ("+4779123456", "SJ"), ("+4721234567", "NO"), ("+61891621234", "CC"), ("+61891641234", "CX"),
        ("+61212345869", "AU"), ("+262269601234", "YT"), ("+262262161234", "RE"), ("+590590271234", "BL"),
        ("+590590201234", "GP"), ("+5993181234", "BQ"), ("+59994351234", "CW"), ("+358181234567", "AX"),
        ("+358912345678", "FI"), ("+2908999", "TA"), ("+29022158", "SH"), ("+212528812345", "MA"),
        ("+6432345678", "NZ"), ("+672381234", "NF"), ("+50031234", "FK"), ("+31201234567", "NL"),
        ("+81312345435", "JP"), ("+38344123456", "XK"), ("+2474123", "AC"),
    ])
    func regionOfANumber(number: String, region: String) {
        #expect(E164.region(of: number) == region)
    }

    @Test(arguments: [
        "+13735550123",  // unassigned NANP area code
        "+19585550123",  // unassigned
        "+15555550123",  // reserved
        "+72123456789",  // +7 2: neither Russia nor Kazakhstan
        "+80012345678",  // international freephone: no region
        "+88212345678",  // international networks: no region
        "12125550123", "+1 212 555 0123", "", "+",
    ])
    func noRegion(number: String) {
        #expect(E164.region(of: number) == nil)
    }
}

@Suite struct NumberingPlanInternationalTests {
    @Test func caribbeanNANPMembersAreInternationalForAUSTenant() {
        #expect(E164.isInternational("+18765550123", homeCountry: "US"))  // Jamaica
        #expect(E164.isInternational("+18095550123", homeCountry: "US"))  // Dominican Republic
        #expect(E164.isInternational("+12425550123", homeCountry: "US"))  // Bahamas
        #expect(E164.isInternational("+12125550123", homeCountry: "JM"))
        #expect(!E164.isInternational("+18765550123", homeCountry: "JM"))
        #expect(!E164.isInternational("+12125550123", homeCountry: "US"))
    }

    @Test func canadaAndTheUSAreInternationalToEachOther() {
        #expect(E164.isInternational("+16135550199", homeCountry: "US"))
        #expect(E164.isInternational("+12125550123", homeCountry: "CA"))
        #expect(!E164.isInternational("+16135550199", homeCountry: "ca"))
    }

    @Test func kazakhstanAndRussiaAreInternationalToEachOther() {
        #expect(E164.isInternational("+77012345678", homeCountry: "RU"))
        #expect(E164.isInternational("+74951234567", homeCountry: "KZ"))
        #expect(!E164.isInternational("+77012345678", homeCountry: "KZ"))
        #expect(!E164.isInternational("+74951234567", homeCountry: "RU"))
    }

    @Test func crownDependenciesAreInternationalForGB() {
        #expect(E164.isInternational("+441534456789", homeCountry: "GB"))
        #expect(!E164.isInternational("+442079460018", homeCountry: "GB"))
    }

    /// NANP toll-free numbers are "US" (as libphonenumber has them): domestic for a US tenant, international
    /// (fail closed) for a Canadian or Caribbean one.
    @Test func nanpTollFreeIsUS() {
        #expect(!E164.isInternational("+18005550123", homeCountry: "US"))
        #expect(E164.isInternational("+18005550123", homeCountry: "CA"))
    }

    @Test func unknownRegionsAndHomesFailClosed() {
        #expect(E164.isInternational("+13735550123", homeCountry: "US"))  // unassigned area code
        #expect(E164.isInternational("+72123456789", homeCountry: "RU"))
        #expect(E164.isInternational("+12125550123", homeCountry: "QQ"))
        #expect(E164.isInternational("+12125550123", homeCountry: ""))
        #expect(E164.isInternational("2125550123", homeCountry: "US"))
    }
}

@Suite struct NumberingPlanTableTests {
    static func isDigits(_ s: String) -> Bool { !s.isEmpty && s.utf8.allSatisfy { (48...57).contains($0) } }

    @Test func everyLineOfTheRegionTableIsAPlan() {
        let lines = NumberingPlans.regionTable.split(separator: "\n")
        #expect(NumberingPlans.byRegion.count == lines.count)  // no malformed line, no region twice
        #expect(NumberingPlans.byRegion.count >= 245)
    }

    @Test func everyRegionHasACallingCodeAndDigitPrefixes() {
        for (iso, plan) in NumberingPlans.byRegion {
            #expect(iso.count == 2 && iso == iso.uppercased() && plan.region == iso)
            #expect((1...3).contains(plan.callingCode.count) && Self.isDigits(plan.callingCode) && !plan.callingCode.hasPrefix("0"))
            #expect(!plan.internationalPrefixes.isEmpty, "\(iso) has no international prefix")
            for prefix in plan.internationalPrefixes + plan.nationalPrefixes + (plan.leadingDigits ?? []) {
                #expect(Self.isDigits(prefix), "\(iso): '\(prefix)' is not digits")
            }
            #expect(Set(plan.internationalPrefixes).count == plan.internationalPrefixes.count, "\(iso) repeats a prefix")
        }
    }

    @Test func callingCodesArePrefixFree() {
        let codes = Set(NumberingPlans.byRegion.values.map(\.callingCode))
        for code in codes {
            for other in codes where other != code {
                #expect(!other.hasPrefix(code), "\(code) is a prefix of \(other)")
            }
        }
    }

    @Test func sharedCallingCodesHaveAtMostOneCatchAllAndNoSharedLeadingDigits() {
        for (code, plans) in NumberingPlans.byCallingCode where plans.count > 1 {
            #expect(plans.filter { $0.leadingDigits == nil }.count <= 1, "+\(code) has several catch-all regions")
            let leading = plans.flatMap { $0.leadingDigits ?? [] }
            #expect(Set(leading).count == leading.count, "+\(code) gives the same leading digits to two regions")
        }
        #expect(NumberingPlans.byCallingCode["1"]?.allSatisfy { $0.leadingDigits != nil } == true)  // no NANP catch-all
    }

    @Test func nanpAreaCodesAreThreeDigitsStartingTwoToNineAndUnique() {
        var seen: [String: String] = [:]
        for line in NumberingPlans.nanpAreaCodeTable.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard let region = fields.first else { continue }
            #expect(NumberingPlans.byRegion[region]?.callingCode == "1", "\(region) is not a NANP region")
            for code in fields.dropFirst() {
                #expect(code.count == 3 && Self.isDigits(code) && !code.hasPrefix("0") && !code.hasPrefix("1"), "\(code)")
                #expect(!code.hasSuffix("11"), "\(code) is an N11 service code")
                #expect(seen[code] == nil, "\(code) is listed for \(seen[code] ?? "") and \(region)")
                seen[code] = region
            }
        }
        #expect(seen.count >= 400)
        #expect(seen["876"] == "JM" && seen["809"] == "DO" && seen["613"] == "CA" && seen["212"] == "US")
        for plan in NumberingPlans.byRegion.values where plan.callingCode == "1" {
            #expect(plan.leadingDigits?.isEmpty == false, "\(plan.region) has no area code")
        }
    }
}

@Test("national dialing: a region's calling code and the trunk prefix written before its national numbers")
func nationalDialing() {
    #expect(NationalDialing(region: "nl")?.callingCode == "31")
    #expect(NationalDialing(region: "NL")?.nationalPrefix == "0")
    #expect(NationalDialing(region: "IT")?.nationalPrefix == "")
    #expect(NationalDialing(region: "US")?.callingCode == "1")
    #expect(NationalDialing(region: "ZZ") == nil)
}
