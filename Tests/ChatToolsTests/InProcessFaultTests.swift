import ChatCore
import ChatTools
import MCP
import Testing

/// The provider against in-process SDK servers, one fault at a time.
@Suite(.timeLimit(.minutes(1)))
struct InProcessFaultTests {
    let events = ServerEvents()

    private func provider(clock: ManualClock = ManualClock(), timeout: Duration = .seconds(60)) -> MCPToolProvider {
        MCPToolProvider(
            servers: [FaultServer.config("faults")], launcher: FaultServer.launcher(events: events), callTimeout: timeout, clock: clock)
    }

    private func tool(_ name: String, in provider: MCPToolProvider) async throws -> ToolSpec {
        let (tools, _) = await provider.tools(waitingUpTo: .seconds(10))
        return try #require(tools.first { $0.name == name })
    }

    @Test func listsEveryPageOfTools() async throws {
        let provider = provider()
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(tools.map(\.name) == FaultServer.toolNames)
        #expect(OfferedTools(tools).entries.first?.functionName == "faults__hang")
        #expect(tools.first?.inputSchema.text == #"{"properties":{"bytes":{"type":"integer"}},"type":"object"}"#)
        #expect(notices.isEmpty)
        #expect(provider.states().map(\.server) == ["faults"])
        #expect(provider.states().first?.state == .ready(tools: FaultServer.toolNames.count))
        await provider.shutdown()
    }

    @Test func aCallThatHangsTimesOutAndIsCancelledOnTheServer() async throws {
        let clock = ManualClock()
        let provider = provider(clock: clock, timeout: .seconds(60))
        let hang = try await tool("hang", in: provider)
        async let result = provider.call(hang, arguments: "{}")
        await events.wait(for: "hang called")
        clock.advance(by: .seconds(60))
        let timedOut = await result
        #expect(timedOut.isError)
        #expect(timedOut.content.contains("faults.hang timed out after 60 s"))
        await events.wait(for: "hang cancelled")
        // The session is still good for the next call.
        let echo = await provider.call(try await tool("echo", in: provider), arguments: #"{"a":1}"#)
        #expect(echo == ToolResult(content: #"{"a":1}"#))
        await provider.shutdown()
    }

    @Test func cancellingTheCallingTaskCancelsTheCallOnTheServer() async throws {
        let provider = provider()
        let hang = try await tool("hang", in: provider)
        let call = Task { await provider.call(hang, arguments: "{}") }
        await events.wait(for: "hang called")
        call.cancel()
        let result = await call.value
        #expect(result.isError)
        #expect(result.content.contains("cancelled"))
        await events.wait(for: "hang cancelled")
        await provider.shutdown()
    }

    @Test func aToolErrorIsAnErrorResult() async throws {
        let provider = provider()
        let result = await provider.call(try await tool("error", in: provider), arguments: "{}")
        #expect(result == ToolResult(content: "tool failed: boom", isError: true))
        await provider.shutdown()
    }

    @Test func aJSONRPCErrorIsAnErrorResultNamingTheServer() async throws {
        let provider = provider()
        let result = await provider.call(try await tool("throw", in: provider), arguments: "{}")
        #expect(result.isError)
        #expect(result.content == "MCP server faults failed the call of throw: Invalid params: bad arguments for throw")
        await provider.shutdown()
    }

    @Test func hugeOutputIsCutAt64KBOnACharacterBoundaryWithANote() async throws {
        let provider = provider()
        let result = await provider.call(try await tool("huge", in: provider), arguments: #"{"bytes":300000}"#)
        #expect(!result.isError)
        let lines = result.content.split(separator: "\n")
        let kept = try #require(lines.first)
        #expect(kept.utf8.count == 65535)  // 21845 whole "€", the next one would pass 65536
        #expect(kept.allSatisfy { $0 == "€" })
        #expect(lines.last == "[tool output cut at 64 KB: 229 KB (234465 bytes) more not shown]")
        await provider.shutdown()
    }

    @Test func contentOtherThanTextIsNotedOneLineEach() async throws {
        let provider = provider()
        let result = await provider.call(try await tool("media", in: provider), arguments: "{}")
        #expect(
            result.content.split(separator: "\n") == [
                "here is a picture",
                "[image content, 12 KB (image/png), not shown to the model]",
                "[audio content, 4 bytes (audio/wav), not shown to the model]",
                "[resource link x.txt file:///tmp/x.txt (text/plain), not shown to the model]",
                "[resource content, 8 bytes (text/plain), mem://e, not shown to the model]",
            ])
        await provider.shutdown()
    }

    @Test func onlyStructuredContentIsGivenAsJSON() async throws {
        let provider = provider()
        let result = await provider.call(try await tool("empty", in: provider), arguments: "")
        #expect(result == ToolResult(content: #"{"answer":42}"#))
        await provider.shutdown()
    }

    @Test(arguments: [#"{"bytes": 3"#, "not json", "[1, 2]", "42", #""text""#])
    func argumentsThatAreNotAJSONObjectAreAnErrorResult(arguments: String) async throws {
        let provider = provider()
        let result = await provider.call(try await tool("echo", in: provider), arguments: arguments)
        #expect(result.isError)
        #expect(result.content.hasPrefix("The arguments were not valid JSON"))
        #expect(await events.count(of: "echo called") == 0)
        await provider.shutdown()
    }

    @Test func restartBringsTheToolsBack() async throws {
        let provider = provider()
        _ = await provider.tools(waitingUpTo: .seconds(10))
        #expect(await provider.restart("faults"))
        #expect(await !provider.restart("nobody"))
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(tools.count == FaultServer.toolNames.count)
        #expect(notices.isEmpty)
        #expect(await events.count(of: "launch faults") == 2)
        let echo = await provider.call(try #require(tools.first { $0.name == "echo" }), arguments: #"{"again":true}"#)
        #expect(echo == ToolResult(content: #"{"again":true}"#))
        await provider.shutdown()
    }

    @Test func aServerThatNeverAnswersTheHandshakeFailsAfterTheCallTimeout() async throws {
        let launcher = ServerLauncher { _, _ throws(ToolServerFailure) in
            // Nobody serves the other end: `initialize` gets no answer.
            let (client, _) = await InMemoryTransport.createConnectedPair()
            return LaunchedServer(transport: client)
        }
        let clock = ManualClock()
        let provider = MCPToolProvider(
            servers: [FaultServer.config("mute")], launcher: launcher, callTimeout: .seconds(30), clock: clock)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(30))
        let (tools, notices) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(tools.isEmpty)
        #expect(
            notices == [
                "MCP server mute could not start: it did not finish the MCP handshake within 30 s; the chat goes on without its tools"
            ])
        #expect(provider.states().first?.state == .failed(reason: "could not start: it did not finish the MCP handshake within 30 s"))
        await provider.shutdown()
    }

    @Test func aServerStillStartingIsLeftOutAndNamed() async throws {
        let gate = ServerEvents()
        let launcher = ServerLauncher { _, _ throws(ToolServerFailure) in
            await gate.wait(for: "open")
            throw .notFound("never", searched: "/nowhere")
        }
        let clock = ManualClock()
        let provider = MCPToolProvider(
            servers: [FaultServer.config("slow")], launcher: launcher, callTimeout: .seconds(60), clock: clock)
        #expect(provider.states().first?.state == .starting)
        async let waited = provider.tools(waitingUpTo: .seconds(10))
        await clock.waitForSleepers(2)  // the start's own limit, and this wait
        clock.advance(by: .seconds(10))
        let (tools, notices) = await waited
        #expect(tools.isEmpty)
        #expect(notices == ["MCP server slow is still starting; its tools are left out of this request"])
        // A call of a server still starting waits for its start (the chat may offer the tools a
        // server listed last time), and says how the start ended.
        async let stillStarting = provider.call(
            ToolSpec(server: "slow", name: "x", description: "", inputSchema: RawJSON(validating: "{}")!), arguments: "{}")
        await gate.record("open")
        #expect(
            await stillStarting
                == ToolResult(
                    content:
                        "MCP server slow is not available (could not start: never: command not found (searched PATH /nowhere)); its tools cannot be called.",
                    isError: true))
        let (_, later) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(
            later == [
                "MCP server slow could not start: never: command not found (searched PATH /nowhere); the chat goes on without its tools"
            ])
        let (_, once) = await provider.tools(waitingUpTo: .seconds(10))
        #expect(once.isEmpty)
        await provider.shutdown()
    }
}
