import Foundation
import Hummingbird
import LiveKit

/// What a browser needs to join a call's room: `{call_id, room_name, livekit_url, token}` — the
/// answer of `/me/calls/{id}/answer` and of `/me/click-to-call`.
struct JoinedCall: ResponseEncodable, Sendable {
    let callId: UUID
    let roomName: String
    let livekitUrl: String
    let token: String

    /// A room-join token for one user's browser: publish (the microphone) and subscribe in this
    /// room only, valid for 4 hours (a long call keeps its connection; a new join needs a new token).
    init(callID: UUID, roomName: String, participantIdentity: String, name: String?, liveKit lk: LiveKitSettings) throws {
        var token = AccessToken(apiKey: lk.apiKey, apiSecret: lk.apiSecret)
        token.identity = participantIdentity
        token.name = name
        token.ttl = .seconds(4 * 3600)
        token.video = VideoGrant(roomJoin: true, room: roomName, canPublish: true, canSubscribe: true, canPublishData: true)
        callId = callID
        self.roomName = roomName
        livekitUrl = LiveKitCredentials(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret).wsURL
        self.token = try token.jwt()
    }

    /// The identity a user's browser has in every room it joins.
    static func identity(of user: UUID) -> String { "user_\(user.uuidString.lowercased())" }
}
