import AsyncHTTPClient
import ChatCore
import ChatProcess
import Foundation
import Logging
import MCP
import NIOCore
import NIOHTTP1

/// The client side of MCP's streamable HTTP: every message is a POST to the server's URL,
/// answered with nothing (202), one JSON message, or a `text/event-stream` whose events are
/// JSON-RPC messages; the `Mcp-Session-Id` the server gives is sent back on every request.
///
/// Written on AsyncHTTPClient because the SDK's `HTTPClientTransport` on Linux cannot read
/// an event-stream answer (it yields the whole stream as one message and `initialize` never
/// completes), and event streams are what many servers answer with.
///
/// Each POST runs in a task kept by its request id: a `notifications/cancelled` for that id
/// ends the stream of its answer, and ``disconnect()`` ends them all. A request whose answer
/// ends without its result fails, so no call waits for a message that cannot come.
/// Server-initiated messages outside an answer (the optional GET stream) are not read: the
/// tools need none.
actor StreamableHTTPTransport: Transport {
    nonisolated let logger: Logger
    private let url: String
    private let client: HTTPClient
    private var sessionID: String?
    private var protocolVersion: String?
    private var exchanges: [ID: Task<Void, any Error>] = [:]
    private let stream: AsyncThrowingStream<Data, any Error>
    private let continuation: AsyncThrowingStream<Data, any Error>.Continuation
    private var closed = false

    /// The client every MCP URL is reached with, made on first use and kept for the life of
    /// the process (so it never needs a shutdown). Unlike `HTTPClient.shared` it has no read
    /// timeout — an answer stream is quiet while a tool runs, and the call's own timeout
    /// bounds it — follows no redirects, uses no proxy (MCP servers are mostly local), and a
    /// refused connection fails the request at once instead of being retried for the connect
    /// timeout.
    static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(10), read: nil), proxy: nil, decompression: .disabled)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    init(url: String, client: HTTPClient = sharedClient) {
        self.url = url
        self.client = client
        self.logger = Logger(label: "bankfuture-chat.mcp.http", factory: { _ in SwiftLogNoOpLogHandler() })
        (stream, continuation) = AsyncThrowingStream.makeStream(of: Data.self)
    }

    func connect() async throws {}

    func disconnect() async {
        guard !closed else { return }
        closed = true
        for exchange in exchanges.values { exchange.cancel() }
        exchanges = [:]
        continuation.finish()
        if let sessionID {
            // Tell the server the session is over; nobody waits for its answer.
            var request = HTTPClientRequest(url: url)
            request.method = .DELETE
            request.headers.add(name: "Mcp-Session-Id", value: sessionID)
            let client = self.client
            Task { _ = try? await client.execute(request, timeout: .seconds(2)) }
        }
    }

    func send(_ data: Data) async throws {
        guard !closed else { throw TransportFailure("the connection to the server is closed") }
        let envelope = try? JSONDecoder().decode(JSONRPCEnvelope.self, from: data)
        if envelope?.method == "notifications/cancelled", let cancelled = envelope?.cancelledRequest {
            exchanges.removeValue(forKey: cancelled)?.cancel()
        }
        let request = envelope?.method != nil ? envelope?.id : nil
        let exchange = Task { try await self.post(data, awaiting: request) }
        if let request { exchanges[request] = exchange }
        defer {
            if let request { exchanges.removeValue(forKey: request) }
        }
        try await exchange.value
    }

    func receive() -> AsyncThrowingStream<Data, any Error> {
        stream
    }

    /// One POST and its answer. `request` is the id whose result the answer must carry.
    private func post(_ data: Data, awaiting request: ID?) async throws {
        var post = HTTPClientRequest(url: url)
        post.method = .POST
        post.headers.add(name: "Content-Type", value: "application/json")
        post.headers.add(name: "Accept", value: "application/json, text/event-stream")
        if let sessionID { post.headers.add(name: "Mcp-Session-Id", value: sessionID) }
        if let protocolVersion { post.headers.add(name: "MCP-Protocol-Version", value: protocolVersion) }
        post.body = .bytes(ByteBuffer(bytes: data))

        let response: HTTPClientResponse
        do {
            // No deadline here: the call's own timeout bounds it, and cancels this task.
            response = try await client.execute(post, deadline: .distantFuture)
        } catch {
            throw Self.failure(error)
        }
        if let session = response.headers.first(name: "Mcp-Session-Id") { sessionID = session }
        let status = response.status.code
        guard (200..<300).contains(status) else {
            throw await refusal(response)
        }
        let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
        var answered = false
        do {
            if contentType.hasPrefix("text/event-stream") {
                var parser = ServerSentEventParser(maxLineBytes: TransportFailure.messageLimit)
                for try await buffer in response.body {
                    for event in try parser.feed(buffer.readableBytesView) { answered = deliver(event, for: request) || answered }
                }
                for event in parser.finish() { answered = deliver(event, for: request) || answered }
            } else {
                var body = try await response.body.collect(upTo: TransportFailure.messageLimit)
                let bytes = body.readBytes(length: body.readableBytes) ?? []
                if !bytes.isEmpty { answered = deliver(Data(bytes), for: request) }
            }
        } catch is ServerSentEventParser.LineTooLong {
            throw TransportFailure.messageTooLong
        } catch is NIOTooManyBytesError {
            throw TransportFailure.messageTooLong
        } catch {
            throw Self.failure(error)
        }
        if request != nil && !answered && status != 202 {
            throw TransportFailure("the server's answer ended without a result (HTTP \(status))")
        }
    }

    private func deliver(_ event: ServerSentEventParser.Event, for request: ID?) -> Bool {
        guard case .data(let text) = event, !text.isEmpty else { return false }
        return deliver(Data(text.utf8), for: request)
    }

    /// Passes a message on; true when it is the answer to `request`.
    private func deliver(_ message: Data, for request: ID?) -> Bool {
        let envelope = try? JSONDecoder().decode(JSONRPCEnvelope.self, from: message)
        if protocolVersion == nil, let version = envelope?.protocolVersion { protocolVersion = version }
        continuation.yield(message)
        return request != nil && envelope?.isResponse == true && envelope?.id == request
    }

    /// A status outside 2xx in words, with the JSON-RPC error message the body may hold.
    private func refusal(_ response: HTTPClientResponse) async -> TransportFailure {
        let status = response.status.code
        var body = (try? await response.body.collect(upTo: 4096)) ?? ByteBuffer()
        let text = body.readString(length: body.readableBytes) ?? ""
        struct ErrorBody: Decodable {
            struct Detail: Decodable { var message: String }
            var error: Detail
        }
        let detail = (try? JSONDecoder().decode(ErrorBody.self, from: Data(text.utf8)))?.error.message ?? text
        let shown = detail.isEmpty ? "" : ": " + TerminalText.oneLine(detail, limit: 200)
        if status == 404 && sessionID != nil {
            return TransportFailure("the server ended the session (HTTP 404\(shown)); restart the server")
        }
        return TransportFailure("HTTP \(status) \(response.status.reasonPhrase)\(shown)")
    }

    /// An error of the HTTP client, mapped by type.
    private static func failure(_ error: any Error) -> any Error {
        if error is CancellationError || error is TransportFailure { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled: return CancellationError()
            case .connectTimeout: return TransportFailure("connecting to the server timed out")
            case .remoteConnectionClosed: return TransportFailure("the server closed the connection")
            default: return TransportFailure("HTTP request failed: \(error)")
            }
        }
        if let error = error as? IOError {
            return TransportFailure("cannot reach the server: \(SystemCallFailure.describe(error.errnoCode))")
        }
        return TransportFailure("HTTP request failed: \(error)")
    }
}
