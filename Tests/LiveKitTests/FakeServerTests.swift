import AsyncHTTPClient
import Foundation
import LiveKit
import LiveKitFake
import Testing

@Suite("FakeLiveKit checks requests like livekit-server")
struct FakeServerTests {
    struct Answer {
        var status: Int
        var contentType: String
        var body: String
        var twirpCode: String? { (try? ProtoJSON.Value(json: Data(body.utf8)))?["code"]?.stringValue }
    }

    static func send(
        _ credentials: LiveKitCredentials, _ path: String, get: Bool = false, contentType: String? = "application/json",
        authorization: String?, body: String = "{}"
    ) async throws -> Answer {
        var request = HTTPClientRequest(url: credentials.httpURL + path)
        request.method = get ? .GET : .POST
        if let contentType { request.headers.add(name: "Content-Type", value: contentType) }
        if let authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(Data(body.utf8))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        return Answer(
            status: Int(response.status.code), contentType: response.headers.first(name: "Content-Type") ?? "",
            body: String(decoding: bytes.readableBytesView, as: UTF8.self))
    }

    static func token(
        _ credentials: LiveKitCredentials, video: VideoGrant? = nil, sip: SIPGrant? = nil, ttl: Duration = .seconds(60)
    ) throws
        -> String
    {
        var token = AccessToken(apiKey: credentials.apiKey, apiSecret: credentials.apiSecret)
        (token.video, token.sip, token.ttl) = (video, sip, ttl)
        return "Bearer " + (try token.jwt())
    }

    @Test("bad routes: GET, unknown RPC, wrong content type are Twirp bad_route 404")
    func badRoutes() async throws {
        try await withFake { fake, client in
            let c = client.credentials
            let admin = try Self.token(c, sip: SIPGrant(admin: true))
            let get = try await Self.send(c, "/twirp/livekit.SIP/ListSIPInboundTrunk", get: true, authorization: admin)
            #expect(get.status == 404 && get.twirpCode == "bad_route" && get.contentType == "application/json")
            let unknown = try await Self.send(c, "/twirp/livekit.SIP/ListSIPTrunks", authorization: admin)
            #expect(unknown.status == 404 && unknown.twirpCode == "bad_route")
            let text = try await Self.send(c, "/twirp/livekit.SIP/ListSIPInboundTrunk", contentType: "text/plain", authorization: admin)
            #expect(text.status == 404 && text.twirpCode == "bad_route")
            let charset = try await Self.send(
                c, "/twirp/livekit.SIP/ListSIPInboundTrunk", contentType: "application/json; charset=utf-8", authorization: admin)
            #expect(charset.status == 200 && charset.body == #"{"items":[]}"#)
            #expect(await fake.requests.count == 1)
        }
    }

    @Test("token failures are plain-text 401s; a missing token or grant is Twirp unauthenticated")
    func auth() async throws {
        try await withFake { fake, client in
            let c = client.credentials
            let path = "/twirp/livekit.RoomService/ListParticipants"
            let body = #"{"room":"call-1"}"#
            let raw = try Self.token(c, video: VideoGrant(roomAdmin: true, room: "call-1")).dropFirst(7)
            let noBearer = try await Self.send(c, path, authorization: "Token " + raw, body: body)
            #expect(
                noBearer.status == 401 && noBearer.contentType.hasPrefix("text/plain")
                    && noBearer.body.hasPrefix("invalid authorization header"))
            let expired = try await Self.send(
                c, path, authorization: try Self.token(c, video: VideoGrant(roomAdmin: true, room: "call-1"), ttl: .seconds(-120)),
                body: body)
            #expect(expired.status == 401 && expired.twirpCode == nil && expired.body.hasPrefix("invalid authorization token"))
            var foreign = AccessToken(apiKey: "APIother", apiSecret: c.apiSecret)
            foreign.video = VideoGrant(roomAdmin: true, room: "call-1")
            let wrongKey = try await Self.send(c, path, authorization: "Bearer " + (try foreign.jwt()), body: body)
            #expect(wrongKey.status == 401 && wrongKey.body == "invalid API key")
            let none = try await Self.send(c, path, authorization: nil, body: body)
            #expect(none.status == 401 && none.twirpCode == "unauthenticated" && none.body.contains("permissions denied"))
            let noGrant = try await Self.send(c, path, authorization: try Self.token(c, video: VideoGrant(roomCreate: true)), body: body)
            #expect(noGrant.status == 401 && noGrant.twirpCode == "unauthenticated")
            let otherRoom = try await Self.send(
                c, path, authorization: try Self.token(c, video: VideoGrant(roomAdmin: true, room: "x")), body: body)
            #expect(otherRoom.twirpCode == "unauthenticated")
            let sipAdminOnly = try await Self.send(
                c, "/twirp/livekit.SIP/CreateSIPParticipant", authorization: try Self.token(c, sip: SIPGrant(admin: true)),
                body: #"{"sip_trunk_id":"ST_1","sip_call_to":"+1","room_name":"r"}"#)
            #expect(sipAdminOnly.twirpCode == "unauthenticated")
            let ok = try await Self.send(
                c, path, authorization: try Self.token(c, video: VideoGrant(roomAdmin: true, room: "call-1")), body: body)
            #expect(ok.status == 200 && ok.body == #"{"participants":[]}"#)
            #expect(await fake.requests.map(\.method) == ["ListParticipants"])
        }
    }

    @Test("answers are snake_case with unpopulated fields, and malformed JSON is Twirp malformed")
    func answerShape() async throws {
        try await withFake { _, client in
            let c = client.credentials
            let room = try await Self.send(
                c, "/twirp/livekit.RoomService/CreateRoom", authorization: try Self.token(c, video: VideoGrant(roomCreate: true)),
                body: #"{"name":"r"}"#)
            let json = try ProtoJSON.Value(json: Data(room.body.utf8))
            #expect(json["creation_time"]?.stringValue != nil && json["metadata"] == .string("") && json["empty_timeout"] == .int(300))
            let bad = try await Self.send(
                c, "/twirp/livekit.RoomService/CreateRoom", authorization: try Self.token(c, video: VideoGrant(roomCreate: true)), body: "{"
            )
            #expect(bad.status == 400 && bad.twirpCode == "malformed")
        }
    }
}
