/// One region's numbering plan: what `E164` needs to read a number as dialled in that region and to tell
/// which region an E.164 number belongs to. The data is in `NumberingPlans.regionTable` and
/// `NumberingPlans.nanpAreaCodeTable`.
struct NumberingPlan: Sendable, Equatable {
    /// ISO 3166-1 alpha-2 code, upper case ("AU").
    let region: String
    /// ITU-T E.164 country calling code, without "+" ("61").
    let callingCode: String
    /// International (exit) prefixes dialled from the region, preferred first ("0011" in Australia).
    let internationalPrefixes: [String]
    /// National (trunk) prefixes, tried in order; empty when national numbers are dialled without one.
    let nationalPrefixes: [String]
    /// For a calling code shared by several regions, the national-number prefixes that belong to this region
    /// (NANP: its area codes). nil: the region takes every number of its calling code no other region claims.
    let leadingDigits: [String]?
}

/// The numbering plans of every region, indexed for `E164`.
enum NumberingPlans {
    /// Plans by region code (upper case).
    static let byRegion: [String: NumberingPlan] = {
        var areaCodes: [String: [String]] = [:]
        for line in nanpAreaCodeTable.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard let region = fields.first else { continue }
            areaCodes[region, default: []].append(contentsOf: fields.dropFirst())
        }
        var plans: [String: NumberingPlan] = [:]
        for line in regionTable.split(separator: "\n") {
            let fields = line.split(separator: " ").map(String.init)
            guard fields.count == 4 || fields.count == 5 else { continue }
            let list = { (field: String) -> [String] in field == "-" ? [] : field.split(separator: ",").map(String.init) }
            var leading: [String]? = fields.count == 5 && fields[4] != "*" ? list(fields[4]) : nil
            if fields[1] == "1" { leading = areaCodes[fields[0]] ?? [] }
            plans[fields[0]] = NumberingPlan(
                region: fields[0], callingCode: fields[1], internationalPrefixes: list(fields[2]),
                nationalPrefixes: list(fields[3]), leadingDigits: leading)
        }
        return plans
    }()

    /// Plans by calling code, in region order.
    static let byCallingCode: [String: [NumberingPlan]] = Dictionary(
        grouping: byRegion.values.sorted { $0.region < $1.region }, by: \.callingCode)

    /// The plan of a region code, case-insensitive.
    static func plan(for region: String) -> NumberingPlan? {
        byRegion[region.uppercased()]
    }

    /// Splits E.164 digits (without "+") into calling code and national number; nil for an unassigned code.
    /// Calling codes are prefix-free, so at most one of the 1-, 2- and 3-digit prefixes is one.
    static func splitCallingCode<Digits: Collection<UInt8>>(_ digits: Digits) -> (code: String, national: Digits.SubSequence)? {
        for length in 1...3 {
            let code = String(decoding: digits.prefix(length), as: UTF8.self)
            if code.utf8.count == length, byCallingCode[code] != nil { return (code, digits.dropFirst(length)) }
        }
        return nil
    }

    /// How the regions of each calling code divide its numbers: leading digits -> region, the longest
    /// leading digits, and the region that takes the rest (nil when every region lists its digits, as in the NANP).
    static let regionIndex: [String: (byLeadingDigits: [String: String], longest: Int, rest: String?)] =
        byCallingCode.mapValues { plans in
            var byLeadingDigits: [String: String] = [:]
            var rest: String?
            for plan in plans {
                guard let leading = plan.leadingDigits else {
                    rest = plan.region
                    continue
                }
                for prefix in leading { byLeadingDigits[prefix] = plan.region }
            }
            return (byLeadingDigits, byLeadingDigits.keys.map(\.utf8.count).max() ?? 0, rest)
        }

    /// The region a national number of `callingCode` belongs to: the region whose leading digits are the
    /// longest prefix of it, else the calling code's catch-all region, else nil.
    static func region<Digits: Collection<UInt8>>(callingCode: String, nationalNumber: Digits) -> String? {
        guard let index = regionIndex[callingCode] else { return nil }
        for length in stride(from: min(index.longest, nationalNumber.count), to: 0, by: -1) {
            if let region = index.byLeadingDigits[String(decoding: nationalNumber.prefix(length), as: UTF8.self)] {
                return region
            }
        }
        return index.rest
    }
}
