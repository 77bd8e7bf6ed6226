import Foundation
import LiveKit

extension FakeLiveKit {
    /// A failure the fake injects instead of (or before) answering.
    public enum Fault: Sendable {
        /// Any Twirp error: `status(500, code: "internal", message: "boom")`.
        case status(Int, code: String, message: String)
        /// A failed SIP call: the Twirp code LiveKit maps the SIP code to, with meta
        /// `sip_status_code` / `sip_status` (e.g. `.sip(code: 486, status: "Busy Here")`).
        case sip(code: Int, status: String)
        /// Answer normally, but only after this long (for client timeouts).
        case delay(Duration)
        /// livekit-server's plain-text 401 (bad token or key).
        case plainText401
        /// 503 Twirp `unavailable`.
        case unavailable
    }

    /// LiveKit's mapping of SIP codes to Twirp codes (protocol `livekit/sip.go`), common cases.
    static func twirpCode(sip code: Int) -> String {
        switch code {
        case 480, 486, 600: "resource_exhausted"
        case 401, 402, 403, 603, 607, 608: "permission_denied"
        case 404, 410, 481, 604, 301, 302: "not_found"
        case 407: "unauthenticated"
        case 408, 504: "deadline_exceeded"
        case 487, 491: "aborted"
        case 409, 412, 500...503: "failed_precondition"
        case 200..<300: "ok"
        case 500..<600: "failed_precondition"
        case 300..<500, 600..<700: "invalid_argument"
        default: "unknown"
        }
    }

    static func answer(for fault: Fault) -> FakeAnswer? {
        switch fault {
        case .status(let status, let code, let message):
            return .twirp(code, message, status: status)
        case .sip(let code, let status):
            return .twirp(
                twirpCode(sip: code), "sip status \(code): \(status)", meta: ["sip_status_code": String(code), "sip_status": status])
        case .delay:
            return nil
        case .plainText401:
            return .plain401("invalid authorization token")
        case .unavailable:
            return .twirp("unavailable", "service unavailable")
        }
    }
}
