import Foundation
import LiveKit
import Testing

@Suite("WebhookReceiver")
struct WebhookTests {
    static let key = "APIhook"
    static let secret = "webhook-secret-at-least-32-characters!!"
    static let now = Date(timeIntervalSince1970: 1_760_000_002)
    let receiver = WebhookReceiver(apiKey: key, apiSecret: secret)

    func signed(_ body: String, secret: String = secret, key: String = key, at: Date = now) throws -> ([UInt8], String) {
        let bytes = Array(body.utf8)
        return (bytes, try WebhookSigner(apiKey: key, apiSecret: secret).authorization(for: bytes, now: at))
    }

    @Test("a signed participant_joined of an inbound SIP call decodes with its sip.* attributes")
    func sipParticipantJoined() throws {
        let (body, auth) = try signed(WebhookFixtures.sipParticipantJoined)
        let event = try receiver.receive(body: body, authorization: auth, now: Self.now)
        #expect(event.event == "participant_joined" && event.id == "EV_7WBtTiJvv7PK" && event.createdAt == 1_760_000_001)
        #expect(event.room?.name == "scaidial-in_+15550123_Xk3p" && event.room?.creationTime == 1_760_000_000)
        let p = try #require(event.participant)
        #expect(p.kind == .sip && p.state == .active && p.joinedAt == 1_760_000_001)
        #expect(p.attributes?["sip.callID"] == "SCL_mQ9vXyZ2abcd")
        #expect(p.attributes?["sip.phoneNumber"] == "+15550123" && p.attributes?["sip.trunkPhoneNumber"] == "+15550100")
        #expect(p.attributes?["sip.trunkID"] == "ST_Qm7mCvmVd8Xp" && p.attributes?["sip.callStatus"] == "ringing")
        #expect(p.attributes?["sip.h.x-customer"] == "42")
        #expect(p.tracks?.first?.type == .audio && p.tracks?.first?.source == .microphone)
    }

    @Test("absent kind is STANDARD and absent state is JOINING; a Bearer prefix is tolerated")
    func zeroValues() throws {
        let (body, auth) = try signed(WebhookFixtures.standardParticipantLeft)
        let event = try receiver.receive(body: body, authorization: "Bearer " + auth, now: Self.now)
        #expect(event.participant?.kind == .standard && event.participant?.state == .joining)
        #expect(event.participant?.disconnectReason == .clientInitiated)
    }

    @Test("egress_ended carries its file results")
    func egressEnded() throws {
        let (body, auth) = try signed(WebhookFixtures.egressEnded)
        let info = try #require(try receiver.receive(body: body, authorization: auth, now: Self.now).egressInfo)
        #expect(info.status == .complete && info.fileResults?.first?.size == 481_234)
        #expect(info.fileResults?.first?.location == "s3://recordings/t1/call-1.ogg")
    }

    @Test("a tampered body, another secret or key, no header, an expired token or a non-event body is refused")
    func refusals() throws {
        let (body, auth) = try signed(WebhookFixtures.sipParticipantJoined)
        var tampered = body
        tampered[tampered.count - 3] = UInt8(ascii: "9")
        #expect(throws: WebhookError.bodyHashMismatch) { try receiver.receive(body: tampered, authorization: auth, now: Self.now) }
        let (_, otherSecret) = try signed(WebhookFixtures.sipParticipantJoined, secret: "another-secret-of-at-least-32-chars")
        #expect(throws: WebhookError.badSignature) { try receiver.receive(body: body, authorization: otherSecret, now: Self.now) }
        let (_, otherKey) = try signed(WebhookFixtures.sipParticipantJoined, key: "APIother")
        #expect(throws: WebhookError.wrongKey) { try receiver.receive(body: body, authorization: otherKey, now: Self.now) }
        #expect(throws: WebhookError.missingAuthorization) { try receiver.receive(body: body, authorization: nil, now: Self.now) }
        #expect(throws: WebhookError.missingAuthorization) { try receiver.receive(body: body, authorization: " ", now: Self.now) }
        #expect(throws: WebhookError.badSignature) { try receiver.receive(body: body, authorization: "garbage", now: Self.now) }
        let late = Self.now.addingTimeInterval(300 + 61)
        #expect(throws: WebhookError.expired) { try receiver.receive(body: body, authorization: auth, now: late) }
        let (notEvent, notEventAuth) = try signed("[1,2,3]")
        #expect(throws: WebhookError.malformedBody) { try receiver.receive(body: notEvent, authorization: notEventAuth, now: Self.now) }
    }

    @Test("a token without a sha256 claim does not vouch for any body")
    func missingHash() throws {
        let token = try AccessToken(apiKey: Self.key, apiSecret: Self.secret).jwt(now: Self.now)
        #expect(throws: WebhookError.bodyHashMismatch) { try receiver.receive(body: Array("{}".utf8), authorization: token, now: Self.now) }
    }
}
