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
    }

    @Test("refuses without LiveKit settings")
    func needsLiveKit() {
        #expect(throws: ConfigurationError.self) { try LiveKitSIPConfig.render(AppConfig(secretKey: String(repeating: "s", count: 40))) }
    }
}
