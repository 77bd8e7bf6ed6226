import Foundation
import LiveKit

/// `scaidial livekit-sip-config`: the livekit-sip `config.yaml` for this deployment, and the
/// matching `webhook:` section for livekit-server.
public enum LiveKitSIPConfig {
    public struct Options: Sendable {
        public var redisAddress = "127.0.0.1:6379"
        public var sipPort = 5060
        public var rtpPorts = "10000-20000"
        public init() {}
    }

    public static func render(_ config: AppConfig, options: Options = .init()) throws -> String {
        guard let lk = config.liveKit else {
            throw ConfigurationError(problems: ["LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET must be set"])
        }
        let credentials = LiveKitCredentials(url: lk.url, apiKey: lk.apiKey, apiSecret: lk.apiSecret)
        let webhook = config.publicURL.trimmingCharacters(in: CharacterSet(charactersIn: "/")) + "/livekit/webhook"
        // REGISTER-mode trunks register livekit-sip's public address as their Contact: it must be this sip_port.
        let contact =
            config.sipContact.map {
                "# ScaiDial registers REGISTER-mode trunks with SCAIDIAL_SIP_CONTACT=\($0);\n# it must reach this livekit-sip on sip_port \(options.sipPort)."
            }
            ?? "# SCAIDIAL_SIP_CONTACT is not set: REGISTER-mode trunks cannot register. Set it on ScaiDial to\n# this livekit-sip's public address, e.g. SCAIDIAL_SIP_CONTACT=sip:<public host>:\(options.sipPort)"
        return """
            # livekit-sip config.yaml for ScaiDial (scaidial livekit-sip-config).
            # Start livekit-sip with: livekit-sip --config config.yaml
            api_key: \(yaml(lk.apiKey))
            api_secret: \(yaml(lk.apiSecret))
            ws_url: \(yaml(credentials.wsURL))
            redis:
              # The same Redis livekit-server uses: SIP needs it on both.
              address: \(yaml(options.redisAddress))
            # The SIP port carriers send INVITEs to (and the Contact of REGISTER-mode trunks).
            sip_port: \(options.sipPort)
            rtp_port: \(yaml(options.rtpPorts))
            # Announce the public IP (found with STUN); use nat_1_to_1_ip instead on a fixed NAT.
            use_external_ip: true
            logging:
              level: info

            # ---------------------------------------------------------------------------
            # And in livekit-server's config.yaml, so call events reach ScaiDial:
            # webhook:
            #   api_key: \(lk.apiKey)
            #   urls:
            #     - \(webhook)
            #
            \(contact)

            """
    }

    private static func yaml(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
