import Foundation
import LiveKit

/// What the fake sends back: LiveKit's shapes (Twirp JSON, or plain text for token failures).
struct FakeAnswer: Sendable {
    var status: Int
    var contentType: String
    var body: Data
    /// Not an answer yet: the outcome of the dial of this participant identity.
    var waitingFor: String?

    static func waiting(for identity: String) -> FakeAnswer {
        FakeAnswer(status: 0, contentType: "", body: Data(), waitingFor: identity)
    }

    /// A 200 with `value` in LiveKit's answer encoding: proto names, unpopulated fields present.
    static func ok(_ value: some Encodable) -> FakeAnswer {
        do {
            return FakeAnswer(status: 200, contentType: "application/json", body: try ProtoJSON.encode(value, emitUnpopulated: true))
        } catch {
            return twirp("internal", "fake could not encode its answer: \(error)")
        }
    }

    /// An empty message (`{}`).
    static var empty: FakeAnswer { FakeAnswer(status: 200, contentType: "application/json", body: Data("{}".utf8)) }

    /// A Twirp error with the HTTP status Twirp uses for `code`.
    static func twirp(_ code: String, _ message: String, meta: [String: String] = [:], status: Int? = nil) -> FakeAnswer {
        var object: [String: ProtoJSON.Value] = ["code": .string(code), "msg": .string(message)]
        if !meta.isEmpty { object["meta"] = .object(meta.mapValues { .string($0) }) }
        let body = (try? ProtoJSON.Value.object(object).jsonData()) ?? Data()
        return FakeAnswer(status: status ?? httpStatus(code), contentType: "application/json", body: body)
    }

    /// livekit-server's auth middleware: 401 with a plain-text body.
    static func plain401(_ message: String) -> FakeAnswer {
        FakeAnswer(status: 401, contentType: "text/plain; charset=utf-8", body: Data(message.utf8))
    }

    /// twitchtv/twirp `ServerHTTPStatusFromErrorCode`.
    static func httpStatus(_ code: String) -> Int {
        switch code {
        case "invalid_argument", "malformed", "out_of_range": 400
        case "unauthenticated": 401
        case "permission_denied": 403
        case "not_found", "bad_route": 404
        case "canceled", "deadline_exceeded": 408
        case "already_exists", "aborted": 409
        case "failed_precondition": 412
        case "resource_exhausted": 429
        case "unimplemented": 501
        case "unavailable": 503
        default: 500
        }
    }
}

/// A handler's refusal, turned into a Twirp error answer.
struct FakeRefusal: Error {
    let code: String
    let message: String

    static func invalid(_ message: String) -> FakeRefusal { FakeRefusal(code: "invalid_argument", message: message) }
    static func notFound(_ message: String) -> FakeRefusal { FakeRefusal(code: "not_found", message: message) }
    static func precondition(_ message: String) -> FakeRefusal { FakeRefusal(code: "failed_precondition", message: message) }
}
