import LiveKit

/// SIP requests with (nearly) every modelled field set, so a misspelt key shows in the oracle.
enum SIPFixtures {
    static let media = SIPMediaConfig(
        onlyListedCodecs: true, codecs: [SIPCodec(name: "PCMU", rate: 8000), SIPCodec(name: "opus", rate: 48000)], encryption: .allow,
        mediaTimeout: .seconds(15))

    static let inbound = SIPInboundTrunkInfo(
        name: "scaidial carrier", metadata: "scaidial:trunk:1", numbers: ["+15550100", "+15550101"],
        allowedAddresses: ["192.0.2.0/24", "198.51.100.7"], allowedNumbers: ["+15559999"], authUsername: "carrier-in",
        authPassword: "in-secret", authRealm: "scaidial", headers: ["X-ScaiDial": "1"], headersToAttributes: ["X-Customer": "customer"],
        attributesToHeaders: ["customer": "X-Customer"], includeHeaders: .xHeaders, ringingTimeout: .seconds(30),
        maxCallDuration: .seconds(3600), krispEnabled: true, mediaEncryption: .allow, media: media)

    static let outbound = SIPOutboundTrunkInfo(
        name: "scaidial carrier", metadata: "scaidial:trunk:1", address: "sip.carrier.example:5060", destinationCountry: "US",
        transport: .tls, numbers: ["+15550100"], authUsername: "carrier-out", authPassword: "out-secret", headers: ["X-ScaiDial": "1"],
        headersToAttributes: ["X-Customer": "customer"], attributesToHeaders: ["customer": "X-Customer"], includeHeaders: .all,
        mediaEncryption: .disable, media: media, fromHost: "pbx.scaidial.example")

    static let rule = SIPDispatchRuleInfo(
        rule: SIPDispatchRule(dispatchRuleIndividual: SIPDispatchRuleIndividual(roomPrefix: "scaidial-in", pin: "", noRandomness: false)),
        trunkIds: ["ST_inbound"], hidePhoneNumber: false, inboundNumbers: ["+15559999"], numbers: ["+15550100"], name: "catch-all",
        metadata: "scaidial:trunk:1", attributes: ["scaidial.tenant": "t1"], roomPreset: "",
        roomConfig: RoomConfiguration(
            name: "", emptyTimeout: 60, departureTimeout: 10, maxParticipants: 8, metadata: "{}", minPlayoutDelay: 0, maxPlayoutDelay: 0,
            syncStreams: false, agents: [RoomAgentDispatch(agentName: "receptionist", metadata: "{\"tenant\":\"t1\"}")],
            tags: ["tenant": "t1"]),
        media: media, krispEnabled: true, mediaEncryption: .allow)

    static func participant(trunkID: String) -> CreateSIPParticipantRequest {
        CreateSIPParticipantRequest(
            sipTrunkId: trunkID, sipRequestUri: SIPRequestDest(raw: "sip:+15550123@sip.carrier.example"),
            sipToHeader: SIPNamedDest(
                displayName: "Callee", values: SIPUri(user: "+15550123", host: "sip.carrier.example", port: 5060, transport: .udp)),
            sipFromHeader: SIPNamedDest(displayName: "ScaiDial", raw: "sip:+15550100@pbx.scaidial.example"), sipCallTo: "+15550123",
            toUserOverride: "+15550123", sipNumber: "+15550100", roomName: "call-1", participantIdentity: "pstn-1",
            participantName: "Callee", participantMetadata: "{\"call\":1}", participantAttributes: ["scaidial.callID": "c1"],
            dtmf: "ww123#", playRingtone: false, playDialtone: true, hidePhoneNumber: false, headers: ["X-ScaiDial-Call": "c1"],
            includeHeaders: .xHeaders, ringingTimeout: .seconds(30), maxCallDuration: .seconds(3600), krispEnabled: true,
            mediaEncryption: .allow, media: media, waitUntilAnswered: false, displayName: "ScaiDial",
            destination: SIPDestination(city: "Boston", country: "US", region: "us-east"))
    }

    static let perCallTrunk = SIPOutboundConfig(
        hostname: "sip.carrier.example", destinationCountry: "US", transport: .udp, authUsername: "u", authPassword: "p",
        headersToAttributes: ["X-A": "a"], attributesToHeaders: ["a": "X-A"], fromHost: "pbx.scaidial.example")

    static let transfer = TransferSIPParticipantRequest(
        participantIdentity: "pstn-1", roomName: "call-1", transferTo: "tel:+15550999", playDialtone: true,
        headers: ["X-Transfer": "1"], ringingTimeout: .seconds(20))
}
