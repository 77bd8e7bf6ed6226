import Dialplan
import Foundation
import Hummingbird

struct PolicyDTO: Encodable, Sendable {
    let allowInternational: Bool
    let allowedPrefixes: [String]
    let blockedPrefixes: [String]
    let maxConcurrentCalls: Int
    let maxCallDurationS: Int
    let voicemailTranscription: Bool
    let recordingRetentionDays: Int
    @Nullable var defaultCallerId: String?
    let forwardCallerId: String
    let maxCallsPerUserPerHour: Int
}

struct TenantDTO: ResponseEncodable, Sendable {
    let id: UUID
    let name: String
    let timezone: String
    let country: String
    /// The country's calling code, without "+" (`country`'s numbering plan): with `national_prefix`,
    /// what pages need to show the tenant's own numbers in national format.
    let callingCode: String
    /// The trunk prefix dialled before a national number ("0"); "" where there is none.
    let nationalPrefix: String
    let policy: PolicyDTO
    @Nullable var createdAt: Date?

    init(_ t: TenantModel) throws {
        id = try t.requireID()
        name = t.name
        timezone = t.timezone
        country = t.country
        let dialing = NationalDialing(region: t.country)
        callingCode = dialing?.callingCode ?? ""
        nationalPrefix = dialing?.nationalPrefix ?? ""
        policy = PolicyDTO(
            allowInternational: t.allowInternational,
            allowedPrefixes: StringList.decode(t.allowedPrefixesJSON),
            blockedPrefixes: StringList.decode(t.blockedPrefixesJSON),
            maxConcurrentCalls: t.maxConcurrentCalls, maxCallDurationS: t.maxCallDurationS,
            voicemailTranscription: t.voicemailTranscription, recordingRetentionDays: t.recordingRetentionDays,
            defaultCallerId: t.defaultCallerID, forwardCallerId: t.forwardCallerID,
            maxCallsPerUserPerHour: t.maxCallsPerUserPerHour)
        createdAt = t.createdAt
    }
}

/// String lists stored as JSON text (portable between SQLite and PostgreSQL).
enum StringList {
    static func encode(_ list: [String]) -> String {
        // Written by hand: a list of strings cannot fail to encode, and this cannot trap.
        var out = "["
        for (i, item) in list.enumerated() {
            if i > 0 { out += "," }
            JSONWriter.quote(item, into: &out)
        }
        return out + "]"
    }
    static func decode(_ text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }
}

enum ForwardCallerID: String, CaseIterable { case did, caller }

extension TenantModel {
    /// Applies a create or PATCH body; every problem is collected in `input.errors`.
    func apply(_ input: Input, creating: Bool) {
        if let name = input.string("name", required: creating, maxLength: 100) { self.name = name }
        if let tz = input.string("timezone", maxLength: 64) {
            if TimeZone(identifier: tz) == nil {
                input.fail("timezone", "must be an IANA time zone such as Europe/Amsterdam")
            } else {
                timezone = tz
            }
        }
        if let c = input.string("country", required: creating, maxLength: 2) {
            if E164.isValidCountry(c.uppercased()) {
                country = c.uppercased()
            } else {
                input.fail("country", "must be an ISO 3166-1 alpha-2 country code such as NL")
            }
        }
        guard let policy = input.object("policy") else { return }
        if let v = policy.bool("allow_international") { allowInternational = v }
        if let v = Self.prefixes(policy, "allowed_prefixes") { allowedPrefixesJSON = StringList.encode(v) }
        if let v = Self.prefixes(policy, "blocked_prefixes") { blockedPrefixesJSON = StringList.encode(v) }
        if let v = policy.int("max_concurrent_calls", in: 1...100_000) { maxConcurrentCalls = v }
        if let v = policy.int("max_call_duration_s", in: 60...86_400) { maxCallDurationS = v }
        if let v = policy.int("max_calls_per_user_per_hour", in: 1...10_000) { maxCallsPerUserPerHour = v }
        if let v = policy.bool("voicemail_transcription") { voicemailTranscription = v }
        if let v = policy.int("recording_retention_days", in: 1...3650) { recordingRetentionDays = v }
        if let v = policy.choice("forward_caller_id", ForwardCallerID.self) { forwardCallerID = v.rawValue }
        switch policy.nullableString("default_caller_id", maxLength: 32) {
        case .absent: break
        case .null: defaultCallerID = nil
        case .value(let raw):
            // Normalised with the country as it stands after this request.
            do { defaultCallerID = try E164.normalize(raw, defaultCountry: $country.value) } catch {
                policy.fail("default_caller_id", "must be a phone number (E.164, e.g. +31201234567)")
            }
        }
    }

    /// E.164 prefixes: "+" and 1 to 15 digits.
    private static func prefixes(_ input: Input, _ key: String) -> [String]? {
        guard let list = input.stringArray(key) else { return nil }
        for (i, p) in list.enumerated() {
            let digits = p.dropFirst()
            if !p.hasPrefix("+") || digits.isEmpty || digits.count > 15 || !digits.allSatisfy(\.isASCIIDigit) {
                input.errors.add("\(input.path(key))[\(i)]", "must be an E.164 prefix such as +31 or +3190")
                return nil
            }
        }
        return Array(Set(list)).sorted()
    }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension TenantModel {
    /// The policy fields only a platform admin changes, by their API names.
    struct PlatformPolicy: Equatable {
        static let fields = [
            "allow_international", "allowed_prefixes", "blocked_prefixes", "max_concurrent_calls", "max_calls_per_user_per_hour",
        ]
        let values: [String: String]
        subscript(field: String) -> String? { values[field] }
    }

    var platformPolicy: PlatformPolicy {
        PlatformPolicy(values: [
            "allow_international": String(allowInternational),
            "allowed_prefixes": StringList.decode(allowedPrefixesJSON).joined(separator: ","),
            "blocked_prefixes": StringList.decode(blockedPrefixesJSON).joined(separator: ","),
            "max_concurrent_calls": String(maxConcurrentCalls),
            "max_calls_per_user_per_hour": String(maxCallsPerUserPerHour),
        ])
    }
}
