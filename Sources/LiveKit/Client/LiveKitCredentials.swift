import Foundation

/// Where a LiveKit server is and the API key that drives it (`LIVEKIT_URL`, `LIVEKIT_API_KEY`,
/// `LIVEKIT_API_SECRET`).
public struct LiveKitCredentials: Sendable, Equatable {
    /// The server URL as configured: `wss://`, `ws://`, `https://` or `http://`.
    public var url: String
    /// The API key (the `iss` of every token).
    public var apiKey: String
    /// The API secret (the HS256 key).
    public var apiSecret: String

    /// Credentials for the server at `url`.
    public init(url: String, apiKey: String, apiSecret: String) {
        self.url = url
        self.apiKey = apiKey
        self.apiSecret = apiSecret
    }

    /// The server API base: `ws` → `http`, `wss` → `https`, trailing slash trimmed.
    public var httpURL: String { Self.rewrite(url, ["ws://": "http://", "wss://": "https://"]) }

    /// What browsers and livekit-sip connect to: `http` → `ws`, `https` → `wss`.
    public var wsURL: String { Self.rewrite(url, ["http://": "ws://", "https://": "wss://"]) }

    private static func rewrite(_ url: String, _ schemes: [String: String]) -> String {
        var out = url.trimmingCharacters(in: .whitespaces)
        while out.hasSuffix("/") { out.removeLast() }
        for (from, to) in schemes where out.lowercased().hasPrefix(from) {
            return to + out.dropFirst(from.count)
        }
        return out
    }
}
