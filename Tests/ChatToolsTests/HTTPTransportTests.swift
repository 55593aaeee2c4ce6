import ChatCore
import ChatTools
import Foundation
import Testing

/// The provider against the SDK's `Server` over streamable HTTP, answering with event
/// streams (with a session) and with plain JSON.
@Suite(.timeLimit(.minutes(1)))
struct HTTPTransportTests {
    let events = ServerEvents()

    private func start(_ answers: TestHTTPServer.Answers) async throws -> (TestHTTPServer, MCPToolProvider) {
        let http = try await TestHTTPServer.start(answers, server: await FaultServer.make(events: events))
        let provider = MCPToolProvider(
            servers: [ToolServerConfig(name: "web", connection: .http(url: http.url))], logDirectory: NSTemporaryDirectory(),
            callTimeout: .seconds(60), environment: [:])
        return (http, provider)
    }

    @Test(arguments: [TestHTTPServer.Answers.eventStream, .json])
    func listsAndCallsTools(answers: TestHTTPServer.Answers) async throws {
        let (http, provider) = try await start(answers)
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(20))
        #expect(notices.isEmpty)
        #expect(tools.map(\.name) == FaultServer.toolNames)
        let echo = await provider.call(try #require(tools.first { $0.name == "echo" }), arguments: #"{"city":"Zürich","n":2}"#)
        #expect(echo == ToolResult(content: #"{"city":"Zürich","n":2}"#))
        let failed = await provider.call(try #require(tools.first { $0.name == "error" }), arguments: "{}")
        #expect(failed == ToolResult(content: "tool failed: boom", isError: true))
        await provider.shutdown()
        await http.stop()
    }

    @Test func theSessionIdIsSentBackOnEveryRequest() async throws {
        let (http, provider) = try await start(.eventStream)
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(20))
        _ = await provider.call(try #require(tools.first { $0.name == "echo" }), arguments: "{}")
        let posts = await http.requests.filter { $0.method == "POST" }
        #expect(posts.count >= 4)  // initialize, initialized, tools/list ×2, tools/call
        let first = try #require(posts.first)
        #expect(first.body.contains(#""method":"initialize""#))
        #expect(first.headers.keys.contains { $0.lowercased() == "mcp-session-id" } == false)
        let sessions = Set(
            posts.dropFirst().compactMap { request in request.headers.first { $0.key.lowercased() == "mcp-session-id" }?.value })
        #expect(sessions.count == 1)
        #expect(posts.dropFirst().allSatisfy { request in request.headers.keys.contains { $0.lowercased() == "mcp-session-id" } })
        await provider.shutdown()
        await http.stop()
    }

    @Test(arguments: [TestHTTPServer.Answers.eventStream, .json])
    func cancellingACallReachesTheServer(answers: TestHTTPServer.Answers) async throws {
        let (http, provider) = try await start(answers)
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(20))
        let hang = try #require(tools.first { $0.name == "hang" })
        let call = Task { await provider.call(hang, arguments: "{}") }
        await events.wait(for: "hang called")
        call.cancel()
        let result = await call.value
        #expect(result.isError)
        await events.wait(for: "hang cancelled")
        // The connection is still good for the next call.
        let echo = await provider.call(try #require(tools.first { $0.name == "echo" }), arguments: #"{"after":"cancel"}"#)
        #expect(echo == ToolResult(content: #"{"after":"cancel"}"#))
        await provider.shutdown()
        await http.stop()
    }

    @Test func aServerThatIsNotThereCannotStart() async throws {
        // Nothing listens on port 1.
        let provider = MCPToolProvider(
            servers: [ToolServerConfig(name: "gone", connection: .http(url: "http://127.0.0.1:1/mcp"))],
            logDirectory: NSTemporaryDirectory(), callTimeout: .seconds(60), environment: [:])
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(20))
        #expect(tools.isEmpty)
        #expect(
            notices == ["MCP server gone could not start: cannot reach the server: Connection refused; the chat goes on without its tools"])
        await provider.shutdown()
    }
}
