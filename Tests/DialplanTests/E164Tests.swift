import Testing

@testable import Dialplan

@Suite struct E164NormalizeTests {
    @Test(
        arguments: [
            ("+31 20 123 4567", "NL"), ("0031201234567", "NL"), ("(020) 123-4567", "NL"),
            ("020.123.4567", "NL"), ("+31201234567", nil), ("0031 20 123 4567", nil), ("020/1234567", "nl"),
        ] as [(String, String?)])
    func dutchFormsBecomeOneNumber(input: String, country: String?) throws {
        #expect(try E164.normalize(input, defaultCountry: country) == "+31201234567")
    }

    @Test func nanpTenDigitsGetPlusOne() throws {
        #expect(try E164.normalize("(212) 555-0123", defaultCountry: "US") == "+12125550123")
        #expect(try E164.normalize("1 212 555 0123", defaultCountry: "US") == "+12125550123")
        #expect(try E164.normalize("613-555-0199", defaultCountry: "CA") == "+16135550199")
    }

    @Test func nanpAcceptsOneOneZeroAndDoubleZeroPrefixes() throws {
        #expect(try E164.normalize("011 31 20 123 4567", defaultCountry: "US") == "+31201234567")
        #expect(try E164.normalize("0031201234567", defaultCountry: "US") == "+31201234567")
    }

    @Test func nanpNationalNumbersMustHaveTenDigits() {
        #expect(throws: NumberError.tooShort) { try E164.normalize("555 0123", defaultCountry: "US") }
        #expect(throws: NumberError.tooLong) { try E164.normalize("2125550123 4", defaultCountry: "US") }
    }

    @Test func countriesWithoutTrunkPrefixKeepTheirLeadingZero() throws {
        #expect(try E164.normalize("06 1234 5678", defaultCountry: "IT") == "+390612345678")
        #expect(try E164.normalize("912 345 678", defaultCountry: "ES") == "+34912345678")
    }

    @Test func otherTrunkPrefixesAreStripped() throws {
        #expect(try E164.normalize("8 495 123-45-67", defaultCountry: "RU") == "+74951234567")
        #expect(try E164.normalize("06 1 234 5678", defaultCountry: "HU") == "+3612345678")
        #expect(try E164.normalize("030 1234567", defaultCountry: "DE") == "+49301234567")
        #expect(try E164.normalize("020 7946 0018", defaultCountry: "GB") == "+442079460018")
    }

    @Test func emptyInputIsEmpty() {
        #expect(throws: NumberError.empty) { try E164.normalize("", defaultCountry: "NL") }
        #expect(throws: NumberError.empty) { try E164.normalize("  ( ) - ", defaultCountry: "NL") }
    }

    @Test(arguments: [
        "020-abc-4567", "+31+201234567", "31+201234567", "+31 20 123 4567 ext 9", "+0031201234567",
        "sip:alice@example.com", "٠٢٠١٢٣٤٥٦٧",
    ])
    func garbageIsInvalidCharacters(input: String) {
        #expect(throws: NumberError.invalidCharacters) { try E164.normalize(input, defaultCountry: "NL") }
    }

    /// Seven, not eight, is the shortest: Niue (+683 7012), Tokelau and Tristan da Cunha (+290 8999) number
    /// with four digits after a three-digit calling code (this test used to refuse seven).
    @Test func lengthIsSevenToFifteenDigits() throws {
        #expect(throws: NumberError.tooShort) { try E164.normalize("+311234", defaultCountry: nil) }
        #expect(try E164.normalize("+6837012", defaultCountry: nil) == "+6837012")
        #expect(try E164.normalize("+31123456", defaultCountry: nil) == "+31123456")
        #expect(try E164.normalize("+311234567890123", defaultCountry: nil) == "+311234567890123")
        #expect(throws: NumberError.tooLong) { try E164.normalize("+3112345678901234", defaultCountry: nil) }
        #expect(throws: NumberError.tooShort) { try E164.normalize("+", defaultCountry: nil) }
        #expect(throws: NumberError.tooShort) { try E164.normalize("0", defaultCountry: "NL") }
    }

    @Test func nationalNumbersNeedAKnownCountry() {
        #expect(throws: NumberError.noCountryForNationalNumber) { try E164.normalize("0201234567", defaultCountry: nil) }
        #expect(throws: NumberError.unknownCountry("QQ")) { try E164.normalize("0201234567", defaultCountry: "QQ") }
    }

    @Test func unknownDefaultCountryDoesNotMatterForInternationalNumbers() throws {
        #expect(try E164.normalize("+31201234567", defaultCountry: "QQ") == "+31201234567")
    }

    @Test func everyResultIsStrictE164() throws {
        for input in ["+31 20 123 4567", "(212) 555-0123", "06 1234 5678"] {
            for country in ["NL", "US", "IT"] {
                if let result = try? E164.normalize(input, defaultCountry: country) { #expect(E164.isE164(result)) }
            }
        }
    }
}

@Suite struct E164CountryTests {
    @Test func callingCodesAreCaseInsensitive() {
        #expect(E164.callingCode(forCountry: "NL") == "31")
        #expect(E164.callingCode(forCountry: "us") == "1")
        #expect(E164.callingCode(forCountry: "Gb") == "44")
        #expect(E164.callingCode(forCountry: "KZ") == "7")
        #expect(E164.callingCode(forCountry: "ZW") == "263")
        #expect(E164.callingCode(forCountry: "QQ") == nil)
        #expect(E164.callingCode(forCountry: "NLD") == nil)
    }

    @Test func tableCoversTheCountriesAndOnlyWellFormedCodes() {
        #expect(NumberingPlans.byRegion.count >= 240)
        for (iso, plan) in NumberingPlans.byRegion {
            #expect(iso.count == 2 && iso == iso.uppercased() && plan.region == iso)
            #expect((1...3).contains(plan.callingCode.count) && plan.callingCode.first != "0" && plan.callingCode.allSatisfy(\.isNumber))
        }
    }

    @Test func validCountries() {
        #expect(E164.isValidCountry("de"))
        #expect(!E164.isValidCountry(""))
        #expect(!E164.isValidCountry("BV"))  // Bouvet Island: no calling code
    }

    /// Issue 14, item 5: international means outside the home *country*, not its calling code. This test
    /// used to expect Canada (+1 613) domestic for a US home and Jamaica (+1 876) domestic for a Canadian one,
    /// which let a tenant blocking international calls reach the Caribbean's toll-fraud favourites.
    @Test func internationalMeansOutsideTheHomeCountryNotItsCallingCode() {
        #expect(!E164.isInternational("+31201234567", homeCountry: "NL"))
        #expect(E164.isInternational("+32201234567", homeCountry: "NL"))
        #expect(E164.isInternational("+12125550123", homeCountry: "nl"))
        #expect(E164.isInternational("+16135550199", homeCountry: "US"))  // Canada shares +1, but is abroad
        #expect(E164.isInternational("+18765550123", homeCountry: "CA"))  // so is Jamaica
        #expect(!E164.isInternational("+12125550123", homeCountry: "us"))
        #expect(E164.isInternational("+442079460018", homeCountry: "US"))
    }

    @Test func invalidNumbersOrHomesCountAsInternational() {
        #expect(E164.isInternational("0201234567", homeCountry: "NL"))
        #expect(E164.isInternational("+31201234567", homeCountry: "QQ"))
    }

    @Test(arguments: [
        ("+31201234567", true), ("+1234567", true), ("+123456", false), ("+1234567890123456", false),
        ("+123456789012345", true), ("+0201234567", false), ("31201234567", false),
        ("+31 201234567", false), ("+3120123456a", false), ("", false), ("+", false),
    ])
    func strictE164(value: String, valid: Bool) {
        #expect(E164.isE164(value) == valid)
    }
}
