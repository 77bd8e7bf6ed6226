import AsyncHTTPClient
import Foundation

/// A failed S3 request. `description` is one line for logs and problem details:
/// "S3 refused GET voicemail/a.ogg: SignatureDoesNotMatch (HTTP 403): The request signature we calculated …".
struct S3Error: Error, CustomStringConvertible {
    enum Kind: Sendable, Equatable {
        /// S3 answered with an error: its code (`SignatureDoesNotMatch`, `NoSuchBucket`, `AccessDenied`, …),
        /// or for a body-less answer (HEAD) the HTTP status as S3 would name it (`Forbidden`, `NotFound`).
        case service(code: String)
        /// No answer within the request's timeout.
        case timeout
        /// No connection (refused, DNS, TLS).
        case unreachable
        /// An answer this client cannot use.
        case badResponse
    }

    let kind: Kind
    /// `PUT`, `GET`, `HEAD` or `DELETE`.
    let operation: String
    let key: String
    let httpStatus: Int?
    let message: String
    /// `x-amz-request-id`, for the store's support.
    var requestID: String? = nil

    /// S3's error code, for `.service` errors.
    var code: String? {
        if case .service(let code) = kind { return code }
        return nil
    }

    /// Worth trying again later: timeouts, no connection, 5xx, throttling.
    var isTransient: Bool {
        switch kind {
        case .timeout, .unreachable: true
        case .service(let code):
            ["SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable"].contains(code) || (httpStatus ?? 0) >= 500
        case .badResponse: (httpStatus ?? 0) >= 500
        }
    }

    var description: String {
        let status = httpStatus.map { " (HTTP \($0))" } ?? ""
        switch kind {
        case .service(let code): return "S3 refused \(operation) \(key): \(code)\(status)\(message.isEmpty ? "" : ": \(message)")"
        case .timeout: return "S3 did not answer \(operation) \(key) in time: \(message)"
        case .unreachable: return "S3 is unreachable for \(operation) \(key): \(message)"
        case .badResponse: return "S3 gave an unusable answer to \(operation) \(key)\(status): \(message)"
        }
    }

    /// An error answer: the code and message of S3's XML error body
    /// (`<Error><Code>NoSuchBucket</Code><Message>…</Message>…</Error>`).
    static func answer(_ operation: String, _ key: String, status: Int, body: String, requestID: String?) -> S3Error {
        let code = element("Code", in: body) ?? statusName(status)
        return S3Error(
            kind: .service(code: code), operation: operation, key: key, httpStatus: status, message: element("Message", in: body) ?? "",
            requestID: requestID ?? element("RequestId", in: body))
    }

    /// The text of the first `<name>…</name>` (S3's error bodies are flat; no XML parser needed).
    static func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
        else { return nil }
        let text = xml[start.upperBound..<end.lowerBound]
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
        return text.isEmpty ? nil : text
    }

    static func statusName(_ status: Int) -> String {
        switch status {
        case 400: "BadRequest"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "NotFound"
        case 409: "Conflict"
        case 412: "PreconditionFailed"
        case 416: "InvalidRange"
        case 503: "ServiceUnavailable"
        default: "HTTP\(status)"
        }
    }

    /// A transport failure: timeouts and failed connections are told apart (both transient).
    static func transport(_ error: any Error, _ operation: String, _ key: String, timeout: Duration) -> any Error {
        if error is S3Error || error is CancellationError { return error }
        if let http = error as? HTTPClientError {
            switch http {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return S3Error(kind: .timeout, operation: operation, key: key, httpStatus: nil, message: "no answer within \(timeout)")
            case .cancelled:
                return CancellationError()
            default:
                return S3Error(kind: .unreachable, operation: operation, key: key, httpStatus: nil, message: "\(http)")
            }
        }
        return S3Error(kind: .unreachable, operation: operation, key: key, httpStatus: nil, message: "\(error)")
    }
}
