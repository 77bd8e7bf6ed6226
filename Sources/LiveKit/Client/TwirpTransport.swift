import AsyncHTTPClient
import Foundation

/// One Twirp call over JSON: `POST {base}/twirp/livekit.<service>/<method>` with a token carrying
/// exactly the grant the RPC needs, under a deadline.
struct TwirpTransport: Sendable {
    let credentials: LiveKitCredentials
    let httpClient: HTTPClient
    let timeout: Duration
    /// Answers larger than this are refused (LiveKit's own request limit is 10 MiB).
    static let maxAnswerBytes = 16 << 20

    /// Twirp's error body: `{"code": "...", "msg": "...", "meta": {...}}`.
    struct ErrorBody: Decodable {
        var code: String
        var msg: String?
        var meta: [String: String]?
    }

    func call<Response: Decodable>(
        _ service: String, _ method: String, _ request: some Encodable, room: String? = nil, timeout: Duration? = nil,
        as: Response.Type = Response.self
    ) async throws -> Response {
        let timeout = timeout ?? self.timeout
        let body = try await send(service, method, request, room: room, timeout: timeout)
        do {
            return try ProtoJSON.decode(Response.self, from: body)
        } catch {
            throw LiveKitError(kind: .badResponse, method: method, httpStatus: 200, message: "\(error)")
        }
    }

    /// The body of a 200 answer; any other outcome throws ``LiveKitError``.
    private func send(_ service: String, _ method: String, _ request: some Encodable, room: String?, timeout: Duration) async throws -> Data
    {
        let httpRequest = try makeRequest(service, method, request, room: room, timeout: timeout)
        let (status, body): (Int, Data)
        do {
            let response = try await httpClient.execute(httpRequest, timeout: .nanoseconds(timeout.nanoseconds))
            let buffer = try await response.body.collect(upTo: Self.maxAnswerBytes)
            (status, body) = (Int(response.status.code), Data(buffer.readableBytesView))
        } catch {
            throw Self.classify(error, method: method, timeout: timeout)
        }
        guard status != 200 else { return body }
        if let twirp = try? JSONDecoder().decode(ErrorBody.self, from: body) {
            throw LiveKitError(
                kind: .twirp(code: twirp.code), method: method, httpStatus: status, message: twirp.msg ?? "", meta: twirp.meta ?? [:])
        }
        let text = String(decoding: body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        throw LiveKitError(kind: status == 401 ? .unauthorized : .badResponse, method: method, httpStatus: status, message: text)
    }

    private func makeRequest(
        _ service: String, _ method: String, _ request: some Encodable, room: String?, timeout: Duration
    ) throws
        -> HTTPClientRequest
    {
        guard let requirement = LiveKitGrants.requirement(service: service, method: method) else {
            // A method this client has no grant table entry for: a programming error, reported, not a trap.
            throw LiveKitError(
                kind: .badResponse, method: method, httpStatus: nil, message: "no grant known for livekit.\(service)/\(method)")
        }
        var token = AccessToken(apiKey: credentials.apiKey, apiSecret: credentials.apiSecret)
        (token.video, token.sip) = requirement.grants(room: room)
        token.ttl = .seconds(600)
        var httpRequest = HTTPClientRequest(url: "\(credentials.httpURL)/twirp/livekit.\(service)/\(method)")
        httpRequest.method = .POST
        httpRequest.headers.add(name: "Content-Type", value: "application/json")
        httpRequest.headers.add(name: "Authorization", value: "Bearer \(try token.jwt())")
        httpRequest.headers.add(name: "X-Twirp-Timeout-Ms", value: String(timeout.milliseconds))
        httpRequest.body = .bytes(try ProtoJSON.encode(request))
        return httpRequest
    }

    /// Timeouts become `.timeout`; failures to connect `.unreachable`.
    static func classify(_ error: any Error, method: String, timeout: Duration) -> any Error {
        if error is LiveKitError || error is CancellationError { return error }
        if let http = error as? HTTPClientError {
            switch http {
            case .deadlineExceeded, .readTimeout, .writeTimeout, .getConnectionFromPoolTimeout:
                return LiveKitError(kind: .timeout, method: method, httpStatus: nil, message: "no answer within \(timeout)")
            case .cancelled:
                return CancellationError()
            case .remoteConnectionClosed:
                return LiveKitError(
                    kind: .unreachable, method: method, httpStatus: nil, message: "the connection was closed before an answer")
            case .connectTimeout, .tlsHandshakeTimeout:
                return LiveKitError(kind: .unreachable, method: method, httpStatus: nil, message: "\(http)")
            default:
                return LiveKitError(kind: .badResponse, method: method, httpStatus: nil, message: "\(http)")
            }
        }
        return LiveKitError(kind: .unreachable, method: method, httpStatus: nil, message: "\(error)")
    }
}

extension Duration {
    /// Whole milliseconds (at least 1).
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}

extension Duration {
    /// Whole nanoseconds.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
