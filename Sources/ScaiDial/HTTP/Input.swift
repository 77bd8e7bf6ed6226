import Dialplan
import Foundation

/// Typed, error-collecting reads of one JSON object. `required` fields that are missing are
/// reported; fields of the wrong type are reported; every accessor returns nil after reporting.
///
/// With a strict `FieldErrors` (every API body but the hook door's, which is LiveKit's to shape),
/// a field nobody read is an unknown field and `check` names it (a misspelt `voicemail_enable`
/// must not be silently ignored), `null` is refused on a field that cannot be null, and strings
/// may not carry control or bidirectional-formatting characters (a name must read as it shows).
struct Input {
    private let values: [String: JSONValue]
    let errors: FieldErrors
    let prefix: String
    /// This object's keys a handler read (strict bodies only; nil otherwise).
    private let reads: FieldErrors.Reads?

    init(_ fields: [String: JSONValue], errors: FieldErrors, prefix: String = "") {
        self.values = fields
        self.errors = errors
        self.prefix = prefix
        reads = errors.register(prefix, keys: fields.keys)
    }

    /// The value under `key`, which counts as read.
    private subscript(key: String) -> JSONValue? {
        reads?.keys.insert(key)
        return values[key]
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
    func has(_ key: String) -> Bool { self[key] != nil }
    func fail(_ key: String, _ message: String) { errors.add(path(key), message) }

    private func present(_ key: String, required: Bool) -> JSONValue? {
        switch self[key] {
        case nil:
            if required { fail(key, "is required") }
            return nil
        case .null?:
            if required || errors.strict {
                fail(key, required ? "must not be null" : "must not be null (leave the field out to keep it as it is)")
            }
            return nil
        case let value?: return value
        }
    }

    /// `anyCharacters`: passwords, which may hold whatever their owner typed.
    func string(_ key: String, required: Bool = false, maxLength: Int = 200, anyCharacters: Bool = false) -> String? {
        guard let value = present(key, required: required) else { return nil }
        guard case .string(let raw) = value else { fail(key, "must be a string"); return nil }
        // Most strings have nothing to trim: skip Foundation's (bridged, allocating) trim for them.
        let s =
            raw.first?.isWhitespace == false && raw.last?.isWhitespace == false
            ? raw : raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.isEmpty { fail(key, "must not be empty"); return nil }
        if s.count > maxLength { fail(key, "must be at most \(maxLength) characters"); return nil }
        if errors.strict, !anyCharacters, let bad = TextRule.forbidden(in: s) { fail(key, bad); return nil }
        return s
    }

    /// A string exactly as sent (may be empty); nil when absent or null.
    func rawString(_ key: String) -> String? {
        switch self[key] {
        case .string(let s)?: return s
        case nil, .null?: return nil
        default: fail(key, "must be a string"); return nil
        }
    }

    /// For nullable fields: absent, explicitly null, or a value.
    func nullableString(_ key: String, maxLength: Int = 200) -> Change<String> {
        switch self[key] {
        case nil: return .absent
        case .null?: return .null
        case .string(let s)? where s.trimmingCharacters(in: .whitespaces).isEmpty: return .null
        default: return string(key, maxLength: maxLength).map(Change.value) ?? .absent
        }
    }

    func int(_ key: String, required: Bool = false, in range: ClosedRange<Int>) -> Int? {
        guard let value = present(key, required: required) else { return nil }
        guard case .int(let i) = value else { fail(key, "must be an integer"); return nil }
        guard range.contains(i) else { fail(key, "must be between \(range.lowerBound) and \(range.upperBound)"); return nil }
        return i
    }

    func nullableInt(_ key: String, in range: ClosedRange<Int>) -> Change<Int> {
        switch self[key] {
        case nil: return .absent
        case .null?: return .null
        default: return int(key, in: range).map(Change.value) ?? .absent
        }
    }

    func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = present(key, required: required) else { return nil }
        guard case .bool(let b) = value else { fail(key, "must be true or false"); return nil }
        return b
    }

    func stringArray(_ key: String, required: Bool = false, maxCount: Int = 100) -> [String]? {
        guard let value = present(key, required: required) else { return nil }
        guard case .array(let items) = value, items.count <= maxCount else {
            fail(key, "must be an array of at most \(maxCount) strings"); return nil
        }
        var out: [String] = []
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else { errors.add("\(path(key))[\(i)]", "must be a string"); return nil }
            out.append(s.trimmingCharacters(in: .whitespaces))
        }
        return out
    }

    func uuid(_ key: String, required: Bool = false) -> UUID? {
        guard let s = string(key, required: required) else { return nil }
        guard let id = UUID(uuidString: s) else { fail(key, "must be a UUID"); return nil }
        return id
    }

    func nullableUUID(_ key: String) -> Change<UUID> {
        switch self[key] {
        case nil: return .absent
        case .null?: return .null
        default: return uuid(key).map(Change.value) ?? .absent
        }
    }

    func choice<E: RawRepresentable & CaseIterable>(_ key: String, _: E.Type, required: Bool = false) -> E? where E.RawValue == String {
        guard let s = string(key, required: required) else { return nil }
        guard let e = E(rawValue: s) else {
            fail(key, "must be one of: " + E.allCases.map(\.rawValue).joined(separator: ", ")); return nil
        }
        return e
    }

    /// A nested object; `nil` when absent (or reported when of the wrong type).
    func object(_ key: String, required: Bool = false) -> Input? {
        guard let value = present(key, required: required) else { return nil }
        guard case .object(let inner) = value else { fail(key, "must be an object"); return nil }
        return Input(inner, errors: errors, prefix: path(key))
    }

    func array(_ key: String) -> [Input]? {
        guard let value = present(key, required: false) else { return nil }
        guard case .array(let items) = value else { fail(key, "must be an array"); return nil }
        var out: [Input] = []
        for (i, item) in items.enumerated() {
            guard case .object(let inner) = item else { errors.add("\(path(key))[\(i)]", "must be an object"); continue }
            out.append(Input(inner, errors: errors, prefix: "\(path(key))[\(i)]"))
        }
        return out
    }
}

/// Characters a name or label may not hold: control characters (they break logs, CSV and
/// terminals) and bidirectional-formatting ones (they make "gnp.exe" read as "exe.png").
enum TextRule {
    static func forbidden(in s: String) -> String? {
        for scalar in s.unicodeScalars {
            if scalar.properties.generalCategory == .control {
                return "must not contain control characters (U+\(String(format: "%04X", scalar.value)))"
            }
            if bidi.contains(scalar.value) {
                return "must not contain bidirectional-formatting characters (U+\(String(format: "%04X", scalar.value)))"
            }
        }
        return nil
    }

    /// LRM, RLM, ALM and the embeddings, overrides and isolates.
    static let bidi: Set<UInt32> = [0x200E, 0x200F, 0x061C, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069]
}
