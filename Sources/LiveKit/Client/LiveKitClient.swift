import AsyncHTTPClient
import Foundation

/// The LiveKit server API over Twirp/JSON. Each call carries a fresh token with exactly the grant
/// the RPC needs and is bounded by a deadline (also sent as `X-Twirp-Timeout-Ms`).
public struct LiveKitClient: LiveKitAPI {
    let twirp: TwirpTransport

    /// A client for the server of `credentials` (`ws`/`wss` URLs are rewritten to `http`/`https`).
    /// `timeout` bounds every call, except CreateSIPParticipant waiting for an answer, which may
    /// take its ringing timeout plus 2 seconds.
    public init(credentials: LiveKitCredentials, httpClient: HTTPClient = .liveKit, timeout: Duration = .seconds(10)) {
        twirp = TwirpTransport(credentials: credentials, httpClient: httpClient, timeout: timeout)
    }

    /// The server and API key this client uses.
    public var credentials: LiveKitCredentials { twirp.credentials }

    // MARK: livekit.SIP

    public func createSIPInboundTrunk(_ trunk: SIPInboundTrunkInfo) async throws -> SIPInboundTrunkInfo {
        try await twirp.call("SIP", "CreateSIPInboundTrunk", CreateSIPInboundTrunkRequest(trunk: trunk))
    }

    public func updateSIPInboundTrunk(id: String, replace trunk: SIPInboundTrunkInfo) async throws -> SIPInboundTrunkInfo {
        try await twirp.call("SIP", "UpdateSIPInboundTrunk", UpdateSIPInboundTrunkRequest(sipTrunkId: id, replace: trunk))
    }

    public func listSIPInboundTrunks() async throws -> [SIPInboundTrunkInfo] {
        try await twirp.call("SIP", "ListSIPInboundTrunk", ListSIPTrunkRequest(), as: ListSIPInboundTrunkResponse.self).items ?? []
    }

    public func createSIPOutboundTrunk(_ trunk: SIPOutboundTrunkInfo) async throws -> SIPOutboundTrunkInfo {
        try await twirp.call("SIP", "CreateSIPOutboundTrunk", CreateSIPOutboundTrunkRequest(trunk: trunk))
    }

    public func updateSIPOutboundTrunk(id: String, replace trunk: SIPOutboundTrunkInfo) async throws -> SIPOutboundTrunkInfo {
        try await twirp.call("SIP", "UpdateSIPOutboundTrunk", UpdateSIPOutboundTrunkRequest(sipTrunkId: id, replace: trunk))
    }

    public func listSIPOutboundTrunks() async throws -> [SIPOutboundTrunkInfo] {
        try await twirp.call("SIP", "ListSIPOutboundTrunk", ListSIPTrunkRequest(), as: ListSIPOutboundTrunkResponse.self).items ?? []
    }

    public func deleteSIPTrunk(id: String) async throws {
        _ = try await twirp.call("SIP", "DeleteSIPTrunk", DeleteSIPTrunkRequest(sipTrunkId: id), as: ProtoJSON.Value.self)
    }

    public func createSIPDispatchRule(_ rule: SIPDispatchRuleInfo) async throws -> SIPDispatchRuleInfo {
        try await twirp.call("SIP", "CreateSIPDispatchRule", CreateSIPDispatchRuleRequest(dispatchRule: rule))
    }

    public func updateSIPDispatchRule(id: String, replace rule: SIPDispatchRuleInfo) async throws -> SIPDispatchRuleInfo {
        try await twirp.call("SIP", "UpdateSIPDispatchRule", UpdateSIPDispatchRuleRequest(sipDispatchRuleId: id, replace: rule))
    }

    public func listSIPDispatchRules() async throws -> [SIPDispatchRuleInfo] {
        try await twirp.call("SIP", "ListSIPDispatchRule", ListSIPDispatchRuleRequest(), as: ListSIPDispatchRuleResponse.self).items ?? []
    }

    public func deleteSIPDispatchRule(id: String) async throws {
        _ = try await twirp.call(
            "SIP", "DeleteSIPDispatchRule", DeleteSIPDispatchRuleRequest(sipDispatchRuleId: id), as: ProtoJSON.Value.self)
    }

    public func createSIPParticipant(_ request: CreateSIPParticipantRequest) async throws -> SIPParticipantInfo {
        // Waiting for the callee to answer can take the whole ringing time (server default 80 s),
        // and LiveKit's usual answer time after it.
        var timeout: Duration?
        if request.waitUntilAnswered == true {
            timeout = (request.ringingTimeout?.duration ?? .seconds(80)) + twirp.timeout
        }
        return try await twirp.call("SIP", "CreateSIPParticipant", request, timeout: timeout)
    }

    public func transferSIPParticipant(_ request: TransferSIPParticipantRequest) async throws -> TransferSIPParticipantResponse {
        // The server waits up to the ringing timeout (default 30 s) for the transfer target, then
        // answers in its usual time.
        let timeout = (request.ringingTimeout?.duration ?? .seconds(30)) + twirp.timeout
        return try await twirp.call("SIP", "TransferSIPParticipant", request, room: request.roomName, timeout: timeout)
    }
}
