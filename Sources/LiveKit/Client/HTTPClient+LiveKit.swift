import AsyncHTTPClient

extension HTTPClient {
    /// The HTTP client LiveKit calls use by default: `HTTPClient.shared`'s settings, except that a
    /// LiveKit that cannot be connected to is reported within `liveKitConnectTimeout`.
    ///
    /// The shared client retries a refused connection (with backoff) for up to 90 s, and a call
    /// waiting for a connection fails only then or at its own deadline. A dial waits for the callee
    /// with a deadline of its ringing timeout plus ten seconds, so with LiveKit down a click-to-call
    /// would hang for over a minute before saying so. Connection attempts still retry within the
    /// five seconds (a flaky connect is not an outage).
    public static let liveKit: HTTPClient = {
        var configuration = HTTPClient.Configuration.singletonConfiguration
        configuration.timeout = .init(connect: .seconds(Int64(liveKitConnectTimeout.components.seconds)), read: nil)
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// How long a LiveKit call may wait for a connection before it fails as unreachable.
    public static let liveKitConnectTimeout: Duration = .seconds(5)
}
