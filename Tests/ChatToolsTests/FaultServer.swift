import ChatCore
import Foundation
import MCP

@testable import ChatTools

/// SDK `Server`s with a tool for every fault, served in-process to the provider.
enum FaultServer {
    static let toolNames = ["hang", "error", "throw", "huge", "media", "echo", "empty"]

    /// A server whose tools misbehave on purpose; every call and cancellation is recorded in
    /// `events` as "NAME called" / "NAME cancelled". Its tool list comes in two pages.
    static func make(events: ServerEvents) async -> Server {
        let server = Server(name: "fault-server", version: "1.0", capabilities: .init(tools: .init(listChanged: false)))
        let schema: Value = ["type": "object", "properties": ["bytes": ["type": "integer"]]]
        let tools = toolNames.map { Tool(name: $0, description: "fault tool \($0)", inputSchema: schema) }
        await server.withMethodHandler(ListTools.self) { params in
            params.cursor == nil
                ? ListTools.Result(tools: Array(tools.prefix(3)), nextCursor: "page-2")
                : ListTools.Result(tools: Array(tools.dropFirst(3)))
        }
        await server.withMethodHandler(CallTool.self) { params in
            await events.record("\(params.name) called")
            return try await respond(to: params, events: events)
        }
        return server
    }

    private static func respond(to params: CallTool.Parameters, events: ServerEvents) async throws -> CallTool.Result {
        let arguments = params.arguments ?? [:]
        switch params.name {
        case "hang":
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                await events.record("hang cancelled")
                throw error
            }
            return CallTool.Result(content: [.text(text: "woke up", annotations: nil, _meta: nil)])
        case "error":
            return CallTool.Result(content: [.text(text: "tool failed: boom", annotations: nil, _meta: nil)], isError: true)
        case "throw":
            throw MCPError.invalidParams("bad arguments for throw")
        case "huge":
            // "€" is three bytes, so 64 KB falls inside a character.
            let count = arguments["bytes"]?.intValue ?? 300_000
            return CallTool.Result(content: [.text(text: String(repeating: "€", count: count / 3), annotations: nil, _meta: nil)])
        case "media":
            return CallTool.Result(content: [
                .text(text: "here is a picture", annotations: nil, _meta: nil),
                .image(data: Data(count: 12 * 1024).base64EncodedString(), mimeType: "image/png", annotations: nil, _meta: nil),
                .audio(data: "UklGRg==", mimeType: "audio/wav", annotations: nil, _meta: nil),
                .resourceLink(uri: "file:///tmp/x.txt", name: "x.txt", mimeType: "text/plain"),
                .resource(resource: .text("embedded", uri: "mem://e", mimeType: "text/plain")),
            ])
        case "echo":
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let text = String(decoding: try encoder.encode(Value.object(arguments)), as: UTF8.self)
            return CallTool.Result(content: [.text(text: text, annotations: nil, _meta: nil)])
        case "empty":
            return try CallTool.Result(content: [], structuredContent: ["answer": 42])
        default:
            throw MCPError.methodNotFound("no tool \(params.name)")
        }
    }

    /// A launcher that serves `make(events:)` over an in-memory transport for every config,
    /// recording "launch NAME" each time.
    static func launcher(events: ServerEvents) -> ServerLauncher {
        ServerLauncher { config, _ throws(ToolServerFailure) in
            await events.record("launch \(config.name)")
            let (client, serverSide) = await InMemoryTransport.createConnectedPair()
            let server = await make(events: events)
            do {
                try await server.start(transport: serverSide)
            } catch {
                throw .handshake(error)
            }
            return LaunchedServer(transport: client, stop: { await server.stop() })
        }
    }

    /// A config the in-process launcher serves (its connection is never used).
    static func config(_ name: String) -> ToolServerConfig {
        ToolServerConfig(name: name, connection: .stdio(command: "in-process", arguments: [], environment: [:]))
    }
}
