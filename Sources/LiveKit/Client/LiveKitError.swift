import Foundation

/// Every failure of a LiveKit call. `description` is one line for humans:
/// "LiveKit refused CreateSIPParticipant: resource_exhausted: sip status 486: Busy Here (SIP 486)".
public struct LiveKitError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// LiveKit answered with a Twirp error (`not_found`, `invalid_argument`, `unavailable`, ...).
        case twirp(code: String)
        /// HTTP 401 with a plain-text body: bad, expired or unknown API key/secret.
        case unauthorized
        /// No answer within the call's timeout.
        case timeout
        /// No connection (refused, DNS, TLS).
        case unreachable
        /// An answer this client cannot read (or a non-Twirp error status).
        case badResponse
    }

    /// What went wrong.
    public let kind: Kind
    /// The RPC, e.g. `CreateSIPParticipant`.
    public let method: String
    /// The HTTP status, when there was an answer.
    public let httpStatus: Int?
    /// LiveKit's message (Twirp `msg`), or what this client saw.
    public let message: String
    /// Twirp `meta` (`sip_status_code`, `sip_status`, `error_details`, ...).
    public let meta: [String: String]

    /// An error (the client makes these; tests and fakes may too).
    public init(kind: Kind, method: String, httpStatus: Int?, message: String, meta: [String: String] = [:]) {
        self.kind = kind
        self.method = method
        self.httpStatus = httpStatus
        self.message = message
        self.meta = meta
    }

    /// The SIP status code of a failed call or transfer (meta `sip_status_code`), e.g. 486.
    public var sipStatusCode: Int? { meta["sip_status_code"].flatMap { Int($0) } }

    /// The SIP reason phrase (meta `sip_status`), e.g. "Busy Here".
    public var sipStatus: String? { meta["sip_status"] }

    /// The Twirp code, for `.twirp` errors.
    public var twirpCode: String? {
        if case .twirp(let code) = kind { return code }
        return nil
    }

    /// Worth trying again later: timeouts, no connection, 5xx and Twirp `unavailable`.
    public var isRetryable: Bool {
        switch kind {
        case .timeout, .unreachable: return true
        case .twirp(let code) where code == "unavailable": return true
        default: return (httpStatus ?? 0) >= 500
        }
    }

    public var description: String {
        switch kind {
        case .twirp(let code):
            let sip = sipStatusCode.map { " (SIP \($0))" } ?? ""
            return "LiveKit refused \(method): \(code): \(message)\(sip)"
        case .unauthorized:
            return "LiveKit rejected the API key or secret for \(method) (HTTP 401): \(message)"
        case .timeout:
            return "LiveKit did not answer \(method) in time: \(message)"
        case .unreachable:
            return "LiveKit is unreachable for \(method): \(message)"
        case .badResponse:
            return "LiveKit gave an unreadable answer to \(method)\(httpStatus.map { " (HTTP \($0))" } ?? ""): \(message)"
        }
    }
}
