import Dialplan
import Foundation
import Hummingbird
import NIOCore

/// Any JSON value, so a request body can be checked field by field and every bad field named
/// (read by `JSONParser`).
enum JSONValue: Sendable, Equatable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])
}

extension Request {
    /// The body as a JSON object, or 400 problem details when it is not one. `strict` (the API's
    /// bodies): unknown fields, nulls on fields that cannot be null and control characters in
    /// strings are refused (see `Input`); the hook door reads LiveKit's body leniently.
    func jsonObject(context: AppRequestContext, strict: Bool = true) async throws -> Input {
        let buffer: ByteBuffer
        do {
            buffer = try await body.collect(upTo: context.maxUploadSize)
        } catch  where error is NIOTooManyBytesError || (error as? HTTPError)?.status == .contentTooLarge {
            throw Problem(
                .contentTooLarge, "the body is larger than \(context.maxUploadSize) bytes (1 MiB), the most a JSON request may be")
        }
        guard buffer.readableBytes > 0 else { throw Problem.badRequest("a JSON object body is required") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer)
        } catch {
            throw Problem.badRequest("the body is not valid JSON")
        }
        guard case .object(let fields) = value else { throw Problem.badRequest("the body must be a JSON object") }
        return Input(fields, errors: FieldErrors(strict: strict))
    }
}

/// Collects field errors across a whole request so the answer names every bad field at once.
final class FieldErrors {
    private(set) var list: [FieldError] = []
    /// Refuse unknown fields, nulls and control characters (`Input`).
    let strict: Bool
    /// Every object of the body (its path: "policy", "rules[3].action") with its keys, and the keys
    /// a handler read. Kept per object, so that reading a field costs a short key's insert, not
    /// building its whole path (a 10,000-rule plan has 100,000 fields).
    final class Reads {
        let prefix: String
        let sent: [String]
        var keys: Set<String> = []
        init(prefix: String, sent: [String]) {
            self.prefix = prefix
            self.sent = sent
        }
    }
    private var objects: [Reads] = []
    private var byPrefix: [String: Reads] = [:]

    init(strict: Bool = false) { self.strict = strict }

    func add(_ field: String, _ message: String) {
        if !list.contains(where: { $0.field == field }) { list.append(FieldError(field: field, message: message)) }
    }
    func add(_ errors: [FieldError]) { errors.forEach { add($0.field, $0.message) } }

    /// An object of the body; its reads are recorded in the answer (strict only).
    func register(_ prefix: String, keys: some Collection<String>) -> Reads? {
        guard strict else { return nil }
        // The same object read twice (two `object("action")` calls) shares its record.
        if let known = byPrefix[prefix] { return known }
        let reads = Reads(prefix: prefix, sent: Array(keys))
        objects.append(reads)
        byPrefix[prefix] = reads
        return reads
    }

    /// 422 naming every collected field, and (strict) every field nobody read — except beside a
    /// field already refused, whose siblings went unread because of it.
    func check() throws {
        if strict {
            let refusedParents = Set(list.map { Self.parent($0.field) })
            for object in objects where !refusedParents.contains(object.prefix) {
                for key in object.sent.sorted() where !object.keys.contains(key) {
                    add(
                        object.prefix.isEmpty ? key : "\(object.prefix).\(key)",
                        "is not a field of this request (misspelt, or not used with the other values sent)")
                }
            }
        }
        if !list.isEmpty { throw Problem.invalid(list) }
    }

    private static func parent(_ path: String) -> String {
        path.lastIndex(of: ".").map { String(path[..<$0]) } ?? ""
    }
}

/// A change to a nullable field in a PATCH: absent (leave it), null (clear it) or a value.
enum Change<T> {
    case absent, null, value(T)
}
