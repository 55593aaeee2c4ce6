import NIOCore
import NIOHTTP1
import NIOPosix

/// An in-process fake of the OpenRouter API: a real HTTP/1.1 server on `127.0.0.1` for tests,
/// benchmarks and demos.
///
/// Chat completions answer with the queued ``FakeReply`` values first (FIFO), then with the
/// default behaviour: an echo of the last user message, or a failure scenario chosen by a
/// `fake/…` model id. `GET /models`, `GET /key` and `GET /generation?id=` answer too. Every
/// request is recorded.
///
/// ```swift
/// let fake = try await FakeOpenRouter.start()
/// fake.enqueue(.error(status: 429, message: "Slow down", retryAfter: "2"))
/// // … point the client at fake.baseURL …
/// try await fake.shutdown()
/// ```
///
/// Call ``shutdown()`` when done: the server does not stop when this object is released.
public final class FakeOpenRouter: Sendable {
    private let state: FakeServerState
    private let serverChannel: any Channel

    /// The TCP port the server listens on.
    public let port: Int

    /// The API base to give the client: `"http://127.0.0.1:PORT/api/v1"`.
    public var baseURL: String { "http://127.0.0.1:\(port)/api/v1" }

    private init(state: FakeServerState, serverChannel: any Channel, port: Int) {
        self.state = state
        self.serverChannel = serverChannel
        self.port = port
    }

    /// Starts listening on `127.0.0.1:port` (`0` picks a free port).
    ///
    /// - Parameter onRequest: called with every request as it is recorded, on an event-loop
    ///   thread; the `fake-openrouter` executable uses it to log.
    public static func start(
        port: Int = 0, onRequest: (@Sendable (RecordedRequest) -> Void)? = nil
    ) async throws -> FakeOpenRouter {
        let state = FakeServerState(onRequest: onRequest)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Streamed chunks must leave at once, not wait for Nagle's algorithm.
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard state.track(channel) else {
                    return channel.close()
                }
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(FakeHTTPHandler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else {
            try? await channel.close()
            throw FakeOpenRouterError.noLocalAddress
        }
        return FakeOpenRouter(state: state, serverChannel: channel, port: boundPort)
    }

    /// Queues replies for the next `POST /chat/completions` requests, first in first out.
    /// When the queue is empty the default behaviour applies.
    public func enqueue(_ replies: FakeReply...) {
        state.enqueue(replies)
    }

    /// Every request received so far, on any path, in arrival order.
    public var requests: [RecordedRequest] { state.requests }

    /// How many connections the fake has accepted so far: a client that reuses its
    /// connections opens one for requests made one after another.
    public var acceptedConnections: Int { state.acceptedConnections }

    /// How many responses lost their connection before the fake had sent all of them: the
    /// client went away in the middle (Ctrl-C, a read timeout, a closed output), or
    /// ``shutdown()`` closed a stalled one. Scripted drops (``FakeReply/dropMidStream(afterBytes:)``)
    /// are the fake's own doing and do not count. Tests wait for it to prove that a client
    /// stopped a request, rather than timing how soon it stopped reading.
    public var unfinishedResponses: Int { state.unfinishedResponses }

    /// Only the `POST …/chat/completions` requests, in arrival order.
    public var chatRequests: [RecordedRequest] { state.requests.filter(\.isChatCompletion) }

    /// The `fake/…` model ids that choose a scenario instead of the echo, with what each does.
    public static var scenarios: [(model: String, effect: String)] { DefaultResponder.scenarios }

    /// Replaces the list served by `GET /models`.
    public func setModels(_ models: [FakeModel]) {
        state.setModels(models)
    }

    /// Stops listening and closes every open connection, stalled ones included. Calling it
    /// again does nothing.
    public func shutdown() async throws {
        let connections = state.beginShutdown()
        // Already-closed channels report an error; being closed is all that matters here.
        try? await serverChannel.close()
        for connection in connections {
            try? await connection.close()
        }
    }
}

/// Why the fake could not start.
public enum FakeOpenRouterError: Error, CustomStringConvertible {
    /// The listening socket has no local address, so its port is unknown.
    case noLocalAddress

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .noLocalAddress: "fake-openrouter: the listening socket has no local address"
        }
    }
}
