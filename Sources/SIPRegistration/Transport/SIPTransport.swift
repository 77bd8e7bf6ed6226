import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// Runs one non-INVITE client transaction: sends a REGISTER and returns its final answer.
public protocol SIPTransactionSender: Sendable {
    /// Throws `SIPTransactionError`. `malformed` is told about every answer that could not be read
    /// (it is ignored and the transaction goes on).
    func send(
        _ request: RegisterRequest, to account: RegistrationAccount, malformed: @escaping @Sendable (SIPParseError) -> Void
    )
        async throws -> SIPResponse
    /// Lets go of whatever the sender keeps open between transactions (the client is done).
    func close() async
}

extension SIPTransactionSender {
    public func close() async {}
}

public enum SIPTransactionError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Timer F ran out (no final answer in 64·T1).
    case timeout
    /// Name not resolved, connection refused or reset, TLS handshake failed.
    case transport(String)

    public var description: String {
        switch self {
        case .timeout: "no answer from the registrar (timed out)"
        case .transport(let message): message
        }
    }
}

/// REGISTER over UDP (with Timer E retransmissions), TCP and TLS, on SwiftNIO. Each transaction
/// resolves the registrar's name again (a carrier moving its registrar is followed at the next
/// attempt). Over UDP one socket is kept for all transactions to the same address, as a phone
/// would: registrars (and NATs on the way) answer where a registration's requests came from. A
/// TCP or TLS connection is opened per transaction and closed after the final answer.
public final class NIOSIPTransport: SIPTransactionSender {
    let group: any EventLoopGroup
    let timers: TransactionTimers
    let tls: TLSConfiguration
    /// Refuses a resolved address (why, or nil to go ahead): ScaiDial refuses non-public ones.
    let addressCheck: (@Sendable (SocketAddress) -> String?)?
    private let udp = Mutex<UDPFlow?>(nil)

    /// The UDP socket kept between transactions, connected to the registrar's address.
    struct UDPFlow {
        let channel: any Channel
        let remote: SocketAddress
        let handler: DatagramHandler
    }

    /// `tls` defaults to the system's trust roots with host-name verification.
    public init(
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, timers: TransactionTimers = .init(),
        tls: TLSConfiguration? = nil,
        addressCheck: (@Sendable (SocketAddress) -> String?)? = nil
    ) {
        self.group = group
        self.timers = timers
        self.tls = tls ?? TLSConfiguration.makeClientConfiguration()
        self.addressCheck = addressCheck
    }

    public func send(
        _ request: RegisterRequest, to account: RegistrationAccount, malformed: @escaping @Sendable (SIPParseError) -> Void
    )
        async throws -> SIPResponse
    {
        let port = account.port ?? account.transport.defaultPort
        let address: SocketAddress
        do {
            address = try await Self.resolve(account.host, port: port)
        } catch {
            throw SIPTransactionError.transport("cannot resolve \(account.host): \(error)")
        }
        // Checked on the address actually used (a name may resolve anywhere, and change).
        if let reason = addressCheck?(address) {
            throw SIPTransactionError.transport("\(account.host) is \(address.ipAddress ?? "?"), \(reason): not sent")
        }
        let (events, sink) = AsyncStream<TransactionInput>.makeStream()
        let channel: any Channel
        do {
            channel = try await connect(account, address: address, sink: sink, branch: request.branch)
        } catch {
            throw SIPTransactionError.transport(Self.describe(error, account: account, address: address))
        }
        defer {
            if account.transport == .udp {
                // Only if no newer transaction took the socket over meanwhile.
                udp.withLock { $0?.handler.release(branch: request.branch) }
            } else {
                channel.close(promise: nil)
            }
        }
        return try await transact(request, account, address, channel, events, sink, malformed)
    }

    public func close() async {
        let flow = udp.withLock { flow in
            defer { flow = nil }
            return flow
        }
        try? await flow?.channel.close()
    }

    private func transact(
        _ request: RegisterRequest, _ account: RegistrationAccount, _ address: SocketAddress, _ channel: any Channel,
        _ events: AsyncStream<TransactionInput>, _ sink: AsyncStream<TransactionInput>.Continuation,
        _ malformed: @escaping @Sendable (SIPParseError) -> Void
    ) async throws -> SIPResponse {
        let sentBy = Self.sentBy(channel.localAddress)
        let bytes = request.render(transport: account.transport, sentBy: sentBy)
        let loop = channel.eventLoop
        // Timer F bounds the whole transaction; Timer E retransmits over UDP only (streams are reliable).
        var scheduled = [loop.scheduleTask(in: .nanoseconds(Int64(timers.timeoutF * 1e9))) { sink.yield(.timerF) }]
        if account.transport == .udp {
            for offset in timers.retransmissions() {
                scheduled.append(loop.scheduleTask(in: .nanoseconds(Int64(offset * 1e9))) { sink.yield(.timerE) })
            }
        }
        defer { for task in scheduled { task.cancel() } }
        do {
            try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
        } catch {
            throw SIPTransactionError.transport(Self.describe(error, account: account, address: address))
        }
        var proceeding = false
        var lastSend = NIODeadline.now()
        for await event in events {
            switch event {
            case .message(let raw):
                let response: SIPResponse
                do { response = try SIPMessageParser.parseResponse(raw) } catch let error as SIPParseError {
                    malformed(error)
                    continue
                }
                guard response.branch == request.branch else { continue }  // a stray answer to an older transaction
                if response.isFinal { return response }
                proceeding = true
            case .timerE:
                // Once a provisional answer came, retransmit only every T2 (RFC 3261 §17.1.2.2).
                let now = NIODeadline.now()
                if proceeding && now - lastSend < .nanoseconds(Int64(timers.t2 * 1e9)) { continue }
                lastSend = now
                // A failed send (ICMP port unreachable shows up here as ECONNREFUSED) ends the transaction.
                channel.writeAndFlush(ByteBuffer(bytes: bytes)).whenFailure { error in
                    sink.yield(.failed(Self.describe(error, account: account, address: address)))
                }
            case .timerF:
                throw SIPTransactionError.timeout
            case .malformed(let error):
                malformed(error)
            case .failed(let message):
                throw SIPTransactionError.transport(message)
            }
        }
        throw CancellationError()
    }

    private func connect(
        _ account: RegistrationAccount, address: SocketAddress, sink: AsyncStream<TransactionInput>.Continuation, branch: String
    )
        async throws -> any Channel
    {
        switch account.transport {
        case .udp:
            if let flow = udp.withLock({ $0 }) {
                if flow.remote == address && flow.channel.isActive {
                    flow.handler.attach(sink, branch: branch)
                    return flow.channel
                }
                // The name now resolves elsewhere, or the socket failed: start a new one.
                udp.withLock { $0 = nil }
                try? await flow.channel.close()
            }
            let handler = DatagramHandler()
            handler.attach(sink, branch: branch)
            let channel = try await DatagramBootstrap(group: group)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
                }
                .connect(to: address).get()
            udp.withLock { $0 = UDPFlow(channel: channel, remote: address, handler: handler) }
            return channel
        case .tcp, .tls:
            let tls = account.transport == .tls ? try NIOSSLContext(configuration: self.tls) : nil
            let host = account.host
            let connectTimeout = TimeAmount.nanoseconds(Int64(min(timers.timeoutF, 10) * 1e9))
            return try await ClientBootstrap(group: group)
                .connectTimeout(connectTimeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls {
                            let serverName = Self.isIPAddress(host) ? nil : host
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        }
                        try channel.pipeline.syncOperations.addHandler(StreamHandler(sink: sink))
                    }
                }
                .connect(to: address).get()
        }
    }

    /// `host:port` for `Via`, from the socket's own address.
    static func sentBy(_ address: SocketAddress?) -> String {
        guard let address, let ip = address.ipAddress, let port = address.port else { return "0.0.0.0:0" }
        return (ip.contains(":") ? "[\(ip)]" : ip) + ":\(port)"
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host.trimming("[]"), port: 0)) != nil
    }

    /// getaddrinfo on NIO's thread pool (it blocks).
    static func resolve(_ host: String, port: Int) async throws -> SocketAddress {
        let bare = host.trimming("[]")
        return try await NIOThreadPool.singleton.runIfActive { try SocketAddress.makeAddressResolvingHost(bare, port: port) }
    }

    static func describe(_ error: any Error, account: RegistrationAccount, address: SocketAddress) -> String {
        let target = "\(account.transport.rawValue.uppercased()) \(sentBy(address))"
        if let io = error as? IOError { return "cannot reach the registrar at \(target): \(io.description)" }
        if let e = error as? ChannelError, case .connectTimeout = e { return "cannot reach the registrar at \(target): connect timed out" }
        if error is NIOSSLError || error is BoringSSLError { return "TLS with the registrar at \(target) failed: \(error)" }
        return "cannot reach the registrar at \(target): \(error)"
    }
}

enum TransactionInput: Sendable {
    case message([UInt8])
    case timerE
    case timerF
    case failed(String)
    case malformed(SIPParseError)
}

/// Each datagram is one message, handed to the transaction in progress (none: dropped).
final class DatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    private let current = Mutex<(branch: String, sink: AsyncStream<TransactionInput>.Continuation)?>(nil)

    func attach(_ sink: AsyncStream<TransactionInput>.Continuation, branch: String) { current.withLock { $0 = (branch, sink) } }

    func release(branch: String) {
        current.withLock { if $0?.branch == branch { $0 = nil } }
    }

    private func yield(_ input: TransactionInput) { _ = current.withLock { $0?.sink.yield(input) } }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let bytes = Array(envelope.data.readableBytesView)
        yield(.message(bytes))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // An ICMP port-unreachable surfaces here as ECONNREFUSED on a connected UDP socket.
        yield(.failed("the registrar's port is closed (\(error))"))
    }

    func channelInactive(context: ChannelHandlerContext) {
        yield(.failed("the socket to the registrar was closed"))
    }
}

/// Cuts messages out of the byte stream by `Content-Length`.
final class StreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let sink: AsyncStream<TransactionInput>.Continuation
    private var framer = SIPStreamFramer()
    init(sink: AsyncStream<TransactionInput>.Continuation) { self.sink = sink }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        framer.append(unwrapInboundIn(data).readableBytesView)
        do {
            while let message = try framer.next() { sink.yield(.message(message)) }
        } catch {
            // The stream cannot be framed any more: report it and drop the connection.
            sink.yield(.malformed(error as? SIPParseError ?? SIPParseError("\(error)")))
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        sink.yield(.failed("the registrar closed the connection"))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        sink.yield(.failed("connection to the registrar failed: \(error)"))
        context.close(promise: nil)
    }
}

extension String {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
