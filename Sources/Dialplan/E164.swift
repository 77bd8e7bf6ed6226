/// Why a phone number could not be normalised to E.164.
public enum NumberError: Error, Equatable, Sendable {
    case empty
    case invalidCharacters
    case tooShort
    case tooLong
    case unknownCountry(String)
    case noCountryForNationalNumber

    /// A plain-English explanation, fit for an API error message.
    public var message: String {
        switch self {
        case .empty: "is empty"
        case .invalidCharacters:
            "must be a phone number: digits, an optional leading +, spaces, dashes, dots, parentheses"
        case .tooShort: "is too short for a phone number"
        case .tooLong: "is too long for a phone number (E.164 allows at most 15 digits)"
        case .unknownCountry(let iso): "unknown country '\(iso)'"
        case .noCountryForNationalNumber:
            "is a national number, but no country is known to complete it; use the +<country code> form"
        }
    }
}

/// E.164 phone numbers: normalisation, regions and the home-country test, after the numbering plans in
/// `NumberingPlans`.
public enum E164 {
    /// Shortest and longest E.164 number `normalize` produces, counting all digits (country code included):
    /// Niue's, Tokelau's and Tristan da Cunha's numbers have 7 ("+683 7012"), E.164 allows 15.
    static let digitRange = 7...15

    /// Normalises a phone number as typed or dialled by a person into E.164.
    ///
    /// "+31 20 123 4567", "0031201234567", "(020) 123-4567" with defaultCountry "NL" -> "+31201234567".
    /// Spaces (any whitespace), dashes, dots, slashes, parentheses and "~" (the wait-for-tone mark in
    /// "8~10") are stripped.
    ///
    /// Without a leading "+", a number that starts with one of the default country's international
    /// prefixes is international: "0011 61 2 1234 5869" in "AU" -> "+61212345869", "010 81 3-1234-5435" in
    /// "JP" -> "+81312345435", "011 44 ..." in the NANP, "810 ..." in Russia. "00" is accepted as an
    /// international prefix everywhere as well (no national number starts with "00"); where the country's
    /// own prefix starts with "00" and is longer ("001" in Korea, "0014" in Brazil), the longest prefix
    /// that matches wins, so "001 ..." in Korea is read as Korea's "001". Without a default country (or
    /// with an unknown one) only "+" and "00" mark an international number.
    ///
    /// Any other number is national and needs `defaultCountry`: its national (trunk) prefix is stripped
    /// ("0" for most countries, "8" for Russia, "06" for Hungary, none for Italy or Spain, whose leading
    /// 0 stays); NANP countries ("US", "CA", "JM", ...) take 10 digits, optionally after a "1". Argentina's
    /// national mobile form "011 15-2345-6789" becomes "+5491123456789" (see `argentineMobile`).
    /// `defaultCountry` is only consulted (and only rejected when unknown) for numbers that need it.
    /// The result is "+" and 7...15 digits, the first not 0.
    public static func normalize(_ input: String, defaultCountry: String?) throws(NumberError) -> String {
        let (digits, sawPlus) = try scan(input)
        let international: ArraySlice<UInt8>
        if sawPlus {
            international = digits[...]
        } else if let iso = defaultCountry, let plan = NumberingPlans.plan(for: iso) {
            guard let rest = withoutInternationalPrefix(digits, plan: plan) else { return try national(digits, plan: plan) }
            international = rest
        } else if digits.starts(with: doubleZero) {
            international = digits.dropFirst(2)
        } else if let iso = defaultCountry {
            throw .unknownCountry(iso)
        } else {
            throw .noCountryForNationalNumber
        }
        guard let first = international.first else { throw .tooShort }
        guard first != UInt8(ascii: "0") else { throw .invalidCharacters }
        try checkLength(international.count)
        return "+" + String(decoding: international, as: UTF8.self)
    }

    private static let doubleZero = Array("00".utf8)

    /// The digits of a number and whether it started with "+"; separators are dropped.
    private static func scan(_ input: String) throws(NumberError) -> (digits: [UInt8], sawPlus: Bool) {
        var digits: [UInt8] = []
        var sawPlus = false
        var sawAnything = false
        for scalar in input.unicodeScalars {
            if scalar.properties.isWhitespace || "-.()/~".unicodeScalars.contains(scalar) { continue }
            if scalar == "+" {
                guard !sawAnything else { throw .invalidCharacters }
                sawPlus = true
            } else if scalar.isASCII, (48...57).contains(scalar.value) {
                digits.append(UInt8(scalar.value))
            } else {
                throw .invalidCharacters
            }
            sawAnything = true
        }
        guard sawAnything else { throw .empty }
        return (digits, sawPlus)
    }

    /// The digits after the longest international prefix of `plan` (or "00") they start with; nil if none.
    private static func withoutInternationalPrefix(_ digits: [UInt8], plan: NumberingPlan) -> ArraySlice<UInt8>? {
        var longest = digits.starts(with: doubleZero) ? 2 : 0
        for prefix in plan.internationalPrefixes where prefix.utf8.count > longest && digits.starts(with: prefix.utf8) {
            longest = prefix.utf8.count
        }
        return longest > 0 ? digits.dropFirst(longest) : nil
    }

    private static func national(_ digits: [UInt8], plan: NumberingPlan) throws(NumberError) -> String {
        var rest = digits[...]
        if plan.callingCode == "1" {
            if rest.count == 11, rest.first == UInt8(ascii: "1") { rest = rest.dropFirst() }
            if rest.count < 10 { throw .tooShort }
            if rest.count > 10 { throw .tooLong }
        } else {
            if let trunk = plan.nationalPrefixes.first(where: { rest.count > $0.utf8.count && rest.starts(with: $0.utf8) }) {
                rest = rest.dropFirst(trunk.utf8.count)
            }
            if plan.region == "AR" { rest = argentineMobile(rest) }
            guard !rest.isEmpty else { throw .tooShort }
            try checkLength(plan.callingCode.utf8.count + rest.count)
        }
        return "+" + plan.callingCode + String(decoding: rest, as: UTF8.self)
    }

    /// Argentina dials a mobile number nationally as area code (2-4 digits), "15", subscriber: 12 digits,
    /// "011 15-2345-6789". E.164 writes it as "9", area code, subscriber: "+54 9 11 2345-6789". Local numbers
    /// never start with "15", so the first "15" after 2, 3 or 4 digits is the mobile mark.
    private static func argentineMobile(_ digits: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        guard digits.count == 12, let area = (2...4).first(where: { digits.dropFirst($0).starts(with: "15".utf8) }) else {
            return digits
        }
        return [UInt8(ascii: "9")] + digits.prefix(area) + digits.dropFirst(area + 2)
    }

    private static func checkLength(_ count: Int) throws(NumberError) {
        if count < digitRange.lowerBound { throw .tooShort }
        if count > digitRange.upperBound { throw .tooLong }
    }

    /// The ITU calling code of an ISO 3166-1 alpha-2 country, without "+": "NL" -> "31", "us" -> "1".
    /// Case-insensitive; nil for an unknown code or a territory without a calling code.
    public static func callingCode(forCountry iso: String) -> String? {
        NumberingPlans.plan(for: iso)?.callingCode
    }

    /// True when `iso` is an ISO 3166-1 alpha-2 country with a calling code (case-insensitive).
    public static func isValidCountry(_ iso: String) -> Bool {
        callingCode(forCountry: iso) != nil
    }

    /// The ISO 3166-1 alpha-2 region of an E.164 number: "+12125550123" -> "US", "+18765550123" -> "JM",
    /// "+77012345678" -> "KZ", "+441534123456" -> "JE".
    ///
    /// A calling code shared by several regions is split by the numbers' leading digits (NANP area codes,
    /// Kazakhstan's +7 6 and 7, the Channel Islands' and the Isle of Man's +44 ranges, ...; see
    /// `NumberingPlans.regionTable`). NANP toll-free (8YY), premium (900) and personal (5XX) numbers are
    /// "US". nil for a string that is not strict E.164, an unassigned calling code, an unassigned NANP area
    /// code or +7 digits that belong to neither Russia nor Kazakhstan.
    public static func region(of e164: String) -> String? {
        guard isE164(e164), let split = NumberingPlans.splitCallingCode(e164.utf8.dropFirst()) else { return nil }
        return NumberingPlans.region(callingCode: split.code, nationalNumber: split.national)
    }

    /// True when the E.164 number lies outside the home country: its region (see `region(of:)`) is not
    /// `homeCountry` (case-insensitive).
    ///
    /// Countries sharing a calling code are told apart: for a "US" home, Canada (+1 613), Jamaica
    /// (+1 876) and the Dominican Republic (+1 809) are international, as is Kazakhstan for "RU". A number
    /// without a known region, an invalid number or an unknown home country counts as international, so
    /// that a policy blocking international calls fails closed.
    public static func isInternational(_ e164: String, homeCountry: String) -> Bool {
        guard let home = NumberingPlans.plan(for: homeCountry), let region = region(of: e164) else { return true }
        return region != home.region
    }

    /// Strict E.164 check: "+", a digit 1-9, then 6...14 more digits (ASCII only).
    public static func isE164(_ s: String) -> Bool {
        let bytes = s.utf8
        guard (8...16).contains(bytes.count), bytes.first == UInt8(ascii: "+") else { return false }
        let digits = bytes.dropFirst()
        guard digits.first != UInt8(ascii: "0") else { return false }
        return digits.allSatisfy { (48...57).contains($0) }
    }
}

/// How a region writes its own numbers: the calling code its numbers carry in E.164 and the trunk
/// prefix people dial before a national number — what a screen needs to show "+31 20 111 0001" as
/// "020 1110001" to someone in the Netherlands.
public struct NationalDialing: Sendable, Equatable {
    /// Without "+" ("31", "1").
    public let callingCode: String
    /// The first national (trunk) prefix, "" where numbers are written without one (Italy, Spain).
    public let nationalPrefix: String

    /// nil for a region with no numbering plan here.
    public init?(region: String) {
        guard let plan = NumberingPlans.plan(for: region) else { return nil }
        callingCode = plan.callingCode
        nationalPrefix = plan.nationalPrefixes.first ?? ""
    }
}
