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

/// E.164 phone numbers: normalisation, calling codes and the home-country test.
public enum E164 {
    /// Shortest and longest E.164 number `normalize` produces, counting all digits (country code included).
    static let digitRange = 8...15

    /// Normalises a phone number as typed by a person into E.164.
    ///
    /// "+31 20 123 4567", "0031201234567", "(020) 123-4567" with defaultCountry "NL" -> "+31201234567".
    /// Spaces (any whitespace), dashes, dots, slashes and parentheses are stripped. "00" is accepted as
    /// the international prefix everywhere, and "011" too when `defaultCountry` is a NANP country.
    /// National numbers use the country's trunk prefix: "0" for most countries, none for a few
    /// (Italy, Spain, ...: the leading 0 stays), "8" for Russia and neighbours, "06" for Hungary;
    /// NANP countries ("US", "CA", ...) take 10 digits, optionally after a "1".
    /// `defaultCountry` is only consulted (and only rejected when unknown) for numbers that need it.
    /// The result is "+" and 8...15 digits, the first not 0.
    public static func normalize(_ input: String, defaultCountry: String?) throws(NumberError) -> String {
        var digits: [UInt8] = []
        var sawPlus = false
        var sawAnything = false
        for scalar in input.unicodeScalars {
            if scalar.properties.isWhitespace || "-.()/".unicodeScalars.contains(scalar) { continue }
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
        let international: ArraySlice<UInt8>
        if sawPlus {
            international = digits[...]
        } else if digits.starts(with: Array("00".utf8)) {
            international = digits.dropFirst(2)
        } else {
            guard let iso = defaultCountry else { throw .noCountryForNationalNumber }
            guard let code = callingCode(forCountry: iso) else { throw .unknownCountry(iso) }
            if code == "1" && digits.starts(with: Array("011".utf8)) {
                international = digits.dropFirst(3)
            } else {
                return try national(digits, country: iso.uppercased(), code: code)
            }
        }
        guard let first = international.first else { throw .tooShort }
        guard first != UInt8(ascii: "0") else { throw .invalidCharacters }
        try checkLength(international.count)
        return "+" + String(decoding: international, as: UTF8.self)
    }

    private static func national(_ digits: [UInt8], country: String, code: String) throws(NumberError) -> String {
        var rest = digits[...]
        if code == "1" {
            if rest.count == 11, rest.first == UInt8(ascii: "1") { rest = rest.dropFirst() }
            if rest.count < 10 { throw .tooShort }
            if rest.count > 10 { throw .tooLong }
        } else {
            let trunk = Array((CallingCodes.trunkPrefixExceptions[country] ?? "0").utf8)
            if !trunk.isEmpty, rest.starts(with: trunk) { rest = rest.dropFirst(trunk.count) }
            guard !rest.isEmpty else { throw .tooShort }
            try checkLength(code.utf8.count + rest.count)
        }
        return "+" + code + String(decoding: rest, as: UTF8.self)
    }

    private static func checkLength(_ count: Int) throws(NumberError) {
        if count < digitRange.lowerBound { throw .tooShort }
        if count > digitRange.upperBound { throw .tooLong }
    }

    /// The ITU calling code of an ISO 3166-1 alpha-2 country, without "+": "NL" -> "31", "us" -> "1".
    /// Case-insensitive; nil for an unknown code or a territory without a calling code.
    public static func callingCode(forCountry iso: String) -> String? {
        CallingCodes.byCountry[iso.uppercased()]
    }

    /// True when `iso` is an ISO 3166-1 alpha-2 country with a calling code (case-insensitive).
    public static func isValidCountry(_ iso: String) -> Bool {
        callingCode(forCountry: iso) != nil
    }

    /// True when the E.164 number lies outside the home country's calling code.
    ///
    /// Countries sharing a calling code are compared on the code only: for a "US" home every "+1"
    /// number is domestic (Canada and the Caribbean included), likewise "+7" for Russia and
    /// Kazakhstan. An invalid number or an unknown home country counts as international, so that a
    /// policy blocking international calls fails closed.
    public static func isInternational(_ e164: String, homeCountry: String) -> Bool {
        guard isE164(e164), let code = callingCode(forCountry: homeCountry) else { return true }
        return !e164.utf8.dropFirst().starts(with: code.utf8)
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
