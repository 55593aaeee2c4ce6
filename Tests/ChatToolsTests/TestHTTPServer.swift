import Foundation
import MCP
import NIOCore
import NIOHTTP1
import NIOPosix

/// An MCP server over streamable HTTP on 127.0.0.1: the SDK's `Server` behind the SDK's own
/// HTTP server transports — with sessions and event-stream answers, or stateless with JSON
/// answers — served by a small SwiftNIO loop. Every request is recorded.
final class TestHTTPServer: Sendable {
    enum Answers {
        case eventStream
        case json
    }

    /// One request as it arrived.
    struct Seen: Sendable {
        var method: String
        var headers: [String: String]
        var body: String
    }

    let port: Int
    private let server: Server
    private let close: @Sendable () async -> Void
    private let seen: ServerRequests

    var url: String { "http://127.0.0.1:\(port)/mcp" }
    var requests: [Seen] { get async { await seen.all } }

    private init(port: Int, server: Server, seen: ServerRequests, close: @escaping @Sendable () async -> Void) {
        self.port = port
        self.server = server
        self.seen = seen
        self.close = close
    }

    static func start(_ answers: Answers, server: Server) async throws -> TestHTTPServer {
        let handle: @Sendable (HTTPRequest) async -> HTTPResponse
        let disconnect: @Sendable () async -> Void
        switch answers {
        case .eventStream:
            let transport = StatefulHTTPServerTransport()
            try await server.start(transport: transport)
            handle = { await transport.handleRequest($0) }
            disconnect = { await transport.disconnect() }
        case .json:
            let transport = StatelessHTTPServerTransport()
            try await server.start(transport: transport)
            handle = { await transport.handleRequest($0) }
            disconnect = { await transport.disconnect() }
        }
        let seen = ServerRequests()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let port = channel.channel.localAddress?.port ?? 0
        let loop = Task {
            try? await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { connections in
                    for try await connection in connections {
                        group.addTask { await serve(connection, handle: handle, seen: seen) }
                    }
                }
            }
        }
        return TestHTTPServer(port: port, server: server, seen: seen) {
            await disconnect()
            await server.stop()
            try? await channel.channel.close()
            loop.cancel()
        }
    }

    func stop() async {
        await close()
    }

    private static func serve(
        _ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>,
        handle: @Sendable (HTTPRequest) async -> HTTPResponse, seen: ServerRequests
    ) async {
        try? await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body = ByteBuffer()
            for try await part in inbound {
                switch part {
                case .head(let received):
                    head = received
                    body.clear()
                case .body(var chunk):
                    body.writeBuffer(&chunk)
                case .end:
                    guard let head else { continue }
                    let headers = Dictionary(head.headers.map { ($0.name, $0.value) }) { first, second in first + ", " + second }
                    let bytes = Data(body.readableBytesView)
                    await seen.record(Seen(method: head.method.rawValue, headers: headers, body: String(decoding: bytes, as: UTF8.self)))
                    let request = HTTPRequest(method: head.method.rawValue, headers: headers, body: bytes, path: head.uri)
                    try await write(await handle(request), to: outbound)
                }
            }
        }
    }

    private static func write(_ response: HTTPResponse, to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>) async throws {
        var head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: response.statusCode))
        for (name, value) in response.headers { head.headers.add(name: name, value: value) }
        if case .stream(let stream, _) = response {
            try await outbound.write(.head(head))
            for try await chunk in stream {
                try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: chunk))))
            }
        } else {
            let body = response.bodyData ?? Data()
            head.headers.replaceOrAdd(name: "Content-Length", value: "\(body.count)")
            try await outbound.write(.head(head))
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
        }
        try await outbound.write(.end(nil))
    }
}

/// The requests a ``TestHTTPServer`` received, in order.
actor ServerRequests {
    private(set) var all: [TestHTTPServer.Seen] = []

    func record(_ request: TestHTTPServer.Seen) {
        all.append(request)
    }
}
