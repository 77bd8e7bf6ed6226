import LiveKit
import Testing

@Suite("LiveKitCredentials: URL forms")
struct CredentialsTests {
    @Test(
        "the API URL is http(s), the client URL ws(s), without a trailing slash",
        arguments: [
            ("wss://lk.example.com/", "https://lk.example.com", "wss://lk.example.com"),
            ("ws://127.0.0.1:7880", "http://127.0.0.1:7880", "ws://127.0.0.1:7880"),
            ("https://lk.example.com//", "https://lk.example.com", "wss://lk.example.com"),
            ("http://localhost:7880", "http://localhost:7880", "ws://localhost:7880"),
            ("WSS://LK.example.com", "https://LK.example.com", "WSS://LK.example.com"),
        ])
    func rewrites(url: String, http: String, ws: String) {
        let credentials = LiveKitCredentials(url: url, apiKey: "k", apiSecret: "s")
        #expect(credentials.httpURL == http)
        #expect(credentials.wsURL == ws)
    }
}
