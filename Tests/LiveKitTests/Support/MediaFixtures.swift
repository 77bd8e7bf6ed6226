import LiveKit

/// Room, agent, egress and ingress requests with (nearly) every modelled field set.
enum MediaFixtures {
    static let createRoom = CreateRoomRequest(
        name: "call-1", roomPreset: "", emptyTimeout: 120, departureTimeout: 15, maxParticipants: 6, nodeId: "", metadata: "{\"call\":1}",
        tags: ["tenant": "t1"], minPlayoutDelay: 0, maxPlayoutDelay: 0, syncStreams: true, replayEnabled: false,
        agents: [
            RoomAgentDispatch(agentName: "receptionist", metadata: "{}", restartPolicy: .never, deployment: "", attributes: ["k": "v"])
        ])

    static let updateParticipant = UpdateParticipantRequest(
        room: "call-1", identity: "pstn-1", metadata: "{\"state\":\"bridged\"}",
        permission: ParticipantPermission(
            canSubscribe: true, canPublish: true, canPublishData: true, canPublishSources: [.microphone], hidden: false,
            canUpdateMetadata: false, canSubscribeMetrics: false, canManageAgentSession: false),
        name: "Caller", attributes: ["scaidial.leg": "a", "obsolete": ""])

    static let dispatch = CreateAgentDispatchRequest(
        agentName: "receptionist", room: "call-1", metadata: "{\"tenant\":\"t1\"}", restartPolicy: .onFailure, deployment: "",
        attributes: ["scaidial.callID": "c1"])

    static let s3 = S3Upload(
        accessKey: "AKIA", secret: "s3-secret", sessionToken: "", assumeRoleArn: "", assumeRoleExternalId: "", region: "us-east-1",
        endpoint: "https://s3.example", bucket: "recordings", forcePathStyle: true, metadata: ["tenant": "t1"], tagging: "tenant=t1",
        contentDisposition: "attachment", proxy: ProxyConfig(url: "http://proxy.example:3128", username: "p", password: "pw"))

    static let participantEgress = ParticipantEgressRequest(
        roomName: "call-1", identity: "pstn-1", screenShare: false, preset: .h264_720p30,
        fileOutputs: [EncodedFileOutput(fileType: .ogg, filepath: "t1/{room_name}-{time}.ogg", disableManifest: true, s3: s3)],
        webhooks: [WebhookConfig(url: "https://scaidial.example/livekit/webhook", signingKey: "APIfake")])

    static let trackEgress = TrackEgressRequest(
        roomName: "call-1", trackId: "TR_audio", file: DirectFileOutput(filepath: "t1/{track_id}.ogg", disableManifest: true, s3: s3),
        webhooks: [WebhookConfig(url: "https://scaidial.example/livekit/webhook", signingKey: "APIfake")])

    static let ingress = CreateIngressRequest(
        inputType: .url, url: "https://media.scaidial.example/greeting.ogg", name: "greeting", roomName: "call-1",
        participantIdentity: "greeting", participantName: "Greeting", participantMetadata: "{}", bypassTranscoding: false,
        enableTranscoding: true, audio: IngressAudioOptions(name: "greeting", source: .microphone, preset: .opusMono64kbs), enabled: true)
}
