import Dialplan
import Foundation
import Hummingbird

/// Any JSON value, so a request body can be checked field by field and every bad field named
/// (read by `JSONParser`).
enum JSONValue: Sendable, Equatable {
    case null, bool(Bool), int(Int), double(Double), string(String), array([JSONValue]), object([String: JSONValue])
}

extension Request {
    /// The body as a JSON object, or 400 problem details when it is not one.
    func jsonObject(context: AppRequestContext) async throws -> Input {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw Problem.badRequest("a JSON object body is required") }
        let value: JSONValue
        do {
            value = try JSONParser.parse(buffer)
        } catch {
            throw Problem.badRequest("the body is not valid JSON")
        }
        guard case .object(let fields) = value else { throw Problem.badRequest("the body must be a JSON object") }
        return Input(fields, errors: FieldErrors())
    }
}

/// Collects field errors across a whole request so the answer names every bad field at once.
final class FieldErrors {
    private(set) var list: [FieldError] = []
    func add(_ field: String, _ message: String) {
        if !list.contains(where: { $0.field == field }) { list.append(FieldError(field: field, message: message)) }
    }
    func add(_ errors: [FieldError]) { errors.forEach { add($0.field, $0.message) } }
    /// 422 naming every collected field, if any.
    func check() throws { if !list.isEmpty { throw Problem.invalid(list) } }
}

/// A change to a nullable field in a PATCH: absent (leave it), null (clear it) or a value.
enum Change<T> {
    case absent, null, value(T)
}
