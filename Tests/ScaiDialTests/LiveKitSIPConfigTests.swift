import Foundation
import Testing

@testable import ScaiDial

@Suite("livekit-sip-config")
struct LiveKitSIPConfigTests {
    @Test("prints livekit-sip's config for this deployment and livekit-server's webhook section")
    func renders() throws {
        var config = AppConfig(secretKey: String(repeating: "s", count: 40))
        config.publicURL = "https://scaidial.example.com/"
        config.liveKit = LiveKitSettings(url: "https://lk.example.com", apiKey: "APIkey1", apiSecret: "sec\"ret")
        var options = LiveKitSIPConfig.Options()
        options.redisAddress = "redis.internal:6379"
        let yaml = try LiveKitSIPConfig.render(config, options: options)
        #expect(yaml.contains("api_key: \"APIkey1\""))
        #expect(yaml.contains("api_secret: \"sec\\\"ret\""))
        #expect(yaml.contains("ws_url: \"wss://lk.example.com\""))
        #expect(yaml.contains("address: \"redis.internal:6379\""))
        #expect(yaml.contains("sip_port: 5060"))
        #expect(yaml.contains("rtp_port: \"10000-20000\""))
        #expect(yaml.contains("#     - https://scaidial.example.com/livekit/webhook"))
        #expect(yaml.contains("# SCAIDIAL_SIP_CONTACT is not set: REGISTER-mode trunks cannot register."))

        config.sipContact = "sip:sip.example.com:5080"
        options.sipPort = 5080
        let registering = try LiveKitSIPConfig.render(config, options: options)
        #expect(registering.contains("sip_port: 5080"))
        #expect(registering.contains("# ScaiDial registers REGISTER-mode trunks with SCAIDIAL_SIP_CONTACT=sip:sip.example.com:5080;"))
        #expect(!registering.contains("is not set"))
        // Every line of the hint is a YAML comment: livekit-sip never reads it as settings.
        for line in registering.split(separator: "\n") where line.contains("SCAIDIAL_SIP_CONTACT") { #expect(line.hasPrefix("#")) }
    }

    @Test("refuses without LiveKit settings")
    func needsLiveKit() {
        #expect(throws: ConfigurationError.self) { try LiveKitSIPConfig.render(AppConfig(secretKey: String(repeating: "s", count: 40))) }
    }
}
