import Dialplan
import Foundation

/// Typed, error-collecting reads of one JSON object. `required` fields that are missing are
/// reported; fields of the wrong type are reported; every accessor returns nil after reporting.
struct Input {
    let fields: [String: JSONValue]
    let errors: FieldErrors
    let prefix: String

    init(_ fields: [String: JSONValue], errors: FieldErrors, prefix: String = "") {
        self.fields = fields
        self.errors = errors
        self.prefix = prefix
    }

    func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }
    func has(_ key: String) -> Bool { fields[key] != nil }
    func fail(_ key: String, _ message: String) { errors.add(path(key), message) }

    private func present(_ key: String, required: Bool) -> JSONValue? {
        switch fields[key] {
        case nil:
            if required { fail(key, "is required") }
            return nil
        case .null?:
            if required { fail(key, "must not be null") }
            return nil
        case let value?: return value
        }
    }

    func string(_ key: String, required: Bool = false, maxLength: Int = 200) -> String? {
        guard let value = present(key, required: required) else { return nil }
        guard case .string(let raw) = value else { fail(key, "must be a string"); return nil }
        let s = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if s.isEmpty { fail(key, "must not be empty"); return nil }
        if s.count > maxLength { fail(key, "must be at most \(maxLength) characters"); return nil }
        return s
    }

    /// A string exactly as sent (may be empty); nil when absent or null.
    func rawString(_ key: String) -> String? {
        switch fields[key] {
        case .string(let s)?: return s
        case nil, .null?: return nil
        default: fail(key, "must be a string"); return nil
        }
    }

    /// For nullable fields: absent, explicitly null, or a value.
    func nullableString(_ key: String, maxLength: Int = 200) -> Change<String> {
        switch fields[key] {
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
        switch fields[key] {
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
        switch fields[key] {
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
