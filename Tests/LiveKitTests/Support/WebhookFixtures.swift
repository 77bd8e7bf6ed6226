/// Webhook bodies as livekit-server sends them: protojson, lowerCamelCase, zero values omitted,
/// int64 as strings.
enum WebhookFixtures {
    /// An inbound call ringing in its room: the SIP participant joined (livekit-sip attributes).
    static let sipParticipantJoined = #"""
        {"event":"participant_joined","room":{"sid":"RM_tPCDYrgaNmMe","name":"scaidial-in_+15550123_Xk3p","emptyTimeout":300,\#
        "departureTimeout":20,"creationTime":"1760000000","creationTimeMs":"1760000000123","turnPassword":"Pw","enabledCodecs":\#
        [{"mime":"audio/opus"},{"mime":"audio/red"}],"numParticipants":1,"version":{"unixMicro":"1760000000123456"}},\#
        "participant":{"sid":"PA_8sPbLeYjt4Ub","identity":"sip_+15550123","state":"ACTIVE","tracks":[{"sid":"TR_AMkVnCw4dGyx",\#
        "name":"phone","mimeType":"audio/opus","source":"MICROPHONE","stream":"phone","audioFeatures":["TF_NO_BWE"]}],\#
        "joinedAt":"1760000001","joinedAtMs":"1760000001234","name":"Phone +15550123","version":2,"permission":{"canSubscribe":true,\#
        "canPublish":true,"canPublishData":true},"isPublisher":true,"kind":"SIP","attributes":{"sip.callID":"SCL_mQ9vXyZ2abcd",\#
        "sip.callIDFull":"a84b4c76e66710@pc33.carrier.example","sip.callStatus":"ringing","sip.callTag":"1928301774",\#
        "sip.hostname":"sip.carrier.example","sip.phoneNumber":"+15550123","sip.ruleID":"SDR_3nZfXq8Wm2Lk",\#
        "sip.trunkID":"ST_Qm7mCvmVd8Xp","sip.trunkPhoneNumber":"+15550100","sip.h.x-customer":"42"},\#
        "kindDetails":["CLOUD_AGENT"],"clientProtocol":1},"id":"EV_7WBtTiJvv7PK","createdAt":"1760000001"}
        """#

    /// A browser participant leaving: `kind` and `state` are zero values, so absent.
    static let standardParticipantLeft = #"""
        {"event":"participant_left","room":{"sid":"RM_tPCDYrgaNmMe","name":"call-1"},"participant":{"sid":"PA_web",\#
        "identity":"agent-42","joinedAt":"1760000100","disconnectReason":"CLIENT_INITIATED"},"id":"EV_left","createdAt":"1760000200"}
        """#

    /// A recording finished.
    static let egressEnded = #"""
        {"event":"egress_ended","egressInfo":{"egressId":"EG_x","roomId":"RM_x","roomName":"call-1","status":"EGRESS_COMPLETE",\#
        "startedAt":"1760000000000000000","endedAt":"1760000060000000000","participant":{"roomName":"call-1","identity":"sip_+1"},\#
        "fileResults":[{"filename":"t1/call-1.ogg","startedAt":"1760000000000000000","endedAt":"1760000060000000000",\#
        "duration":"60000000000","size":"481234","location":"s3://recordings/t1/call-1.ogg"}]},"id":"EV_eg","createdAt":"1760000061"}
        """#
}
