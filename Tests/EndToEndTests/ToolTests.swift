import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Tools through MCP, end to end: the built binary, its tool host, the official
/// `mcp-server-time` from PyPI (installed by `.ci/install-deps`) and the fake's `fake/tools`
/// model, which calls the first offered tool and then answers with what the tool said.
/// Without the venv these tests fail, saying how to install it (``RealParts``).
@Suite(.serialized) struct ToolTests {
    func withFake(config: String? = nil, _ body: (FakeOpenRouter, Sandbox) async throws -> Void) async throws {
        let servers = #"{"time": {"command": "\#(try RealParts.timeServer())", "args": ["--local-timezone", "UTC"]}}"#
        try await EndToEndTests.withFake { fake, sandbox in
            _ = try sandbox.write(
                "config/bankfuture-chat/config.json", config ?? #"{"model": "fake/tools", "mcp_servers": \#(servers)}"#)
            try await body(fake, sandbox)
        }
    }

    /// The tool messages of the last request: `tool_call_id` and content.
    func toolMessages(_ fake: FakeOpenRouter) throws -> [[String: Any]] {
        let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
        return messages.filter { $0["role"] as? String == "tool" }
    }

    @Test func oneShotWithYesRunsTheToolAndPrintsOnlyTheAnswer() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["-y", "what time is it in UTC?"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout.hasPrefix("The tool said: "))
            #expect(run.stdout.contains("UTC"))
            #expect(run.stderr.contains(#"time.get_current_time {"timezone":"UTC"}"#))
            #expect(!run.stdout.contains("time.get_current_time"), "tool lines go to stderr")
            let first = try #require(fake.chatRequests.first?.json)
            let offered = try #require(first["tools"] as? [[String: Any]])
            let names = offered.compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
            #expect(Set(names) == ["time__get_current_time", "time__convert_time"])
            #expect(offered.allSatisfy { $0["type"] as? String == "function" })
            let results = try toolMessages(fake)
            #expect(results.count == 1)
            let content = try #require(results.first?["content"] as? String)
            #expect(content.contains("\"timezone\": \"UTC\"") || content.contains("\"timezone\":\"UTC\""))
            // The assistant message with its calls comes before the result, with the same id.
            let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
            let assistant = try #require(messages.last { $0["role"] as? String == "assistant" })
            let calls = try #require(assistant["tool_calls"] as? [[String: Any]])
            #expect(calls.first?["id"] as? String == results.first?["tool_call_id"] as? String)
        }
    }

    @Test func withoutATerminalOrApprovalTheCallIsDeclined() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["what time is it?"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("declined time.get_current_time"))
            #expect(try toolMessages(fake).first?["content"] as? String == "declined by the user")
        }
    }

    @Test func autoApproveToolsApprovesByPattern() async throws {
        let servers = #"{"time": {"command": "\#(try RealParts.timeServer())"}}"#
        try await withFake(config: #"{"model": "fake/tools", "auto_approve_tools": ["time.*"], "mcp_servers": \#(servers)}"#) {
            fake, sandbox in
            let run = try await chat(["what time is it in UTC?"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            // The call ran: one result, not a refusal, and the answer quotes it.
            #expect(try toolMessages(fake).count == 1)
            #expect(try toolMessages(fake).first?["content"] as? String != "declined by the user")
            #expect(!run.stderr.contains("declined"))
            #expect(run.stdout.hasPrefix("The tool said: "))
            #expect(run.stdout.contains("UTC"))
        }
    }

    @Test func jsonHasTheCallsMadeAndTwoCallsInOneAnswerBothRun() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["-m", "fake/tools-2", "-y", "--json", "what time is it?"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], "\(run.stdout)")
            let calls = try #require(object["tool_calls"] as? [[String: Any]])
            #expect(calls.map { $0["tool"] as? String } == ["time.get_current_time", "time.convert_time"])
            #expect(calls.allSatisfy { $0["approved"] as? Bool == true })
            #expect((calls.first?["result"] as? String)?.contains("UTC") == true)
            #expect(try toolMessages(fake).map { $0["tool_call_id"] as? String } == ["call_fake_1", "call_fake_2"])
        }
    }

    @Test func aResumedSessionResendsTheCallsAndTheirResults() async throws {
        try await withFake { fake, sandbox in
            let first = try await chat(["--session", "clock", "-y", "what time is it?"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(first.status == 0, "\(first.stderr)")
            let second = try await chat(
                ["--session", "clock", "--no-tools", "-m", "fake/echo", "thanks"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(second.status == 0, "\(second.stderr)")
            let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
            #expect(messages.map { $0["role"] as? String } == ["user", "assistant", "tool", "assistant", "user"])
            let calls = try #require(messages[1]["tool_calls"] as? [[String: Any]])
            #expect(calls.first?["id"] as? String == messages[2]["tool_call_id"] as? String)
            #expect((messages[2]["content"] as? String)?.contains("UTC") == true)
        }
    }

    @Test func noToolsOffersNone() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--no-tools", "hello"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0)
            #expect(fake.chatRequests.last?.json?["tools"] == nil)
            #expect(run.stdout == "Echo: hello\n")
        }
    }

    @Test func aServerThatCannotStartIsOneLineAndTheChatGoesOn() async throws {
        let config = #"{"model": "fake/tools", "mcp_servers": {"broken": {"command": "/nonexistent/mcp-server"}}}"#
        try await withFake(config: config) { fake, sandbox in
            let run = try await chat(["hello"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == "Echo: hello\n")
            let lines = run.stderr.split(separator: "\n").filter { $0.contains("broken") }
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(lines.first?.contains("could not start") == true)
            #expect(fake.chatRequests.last?.json?["tools"] == nil)
        }
    }

    @Test func theREPLAsksListsAndShowsTheServers() async throws {
        try await withFake { fake, sandbox in
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
            try await terminal.waitFor("> ")
            try terminal.send("/mcp\r")
            try await terminal.waitFor("time")
            try await terminal.waitFor("> ")
            try terminal.send("what time is it?\r")
            let asked = try await terminal.waitFor("always for this tool")
            // The call whole, server first, the question last with its default marked.
            #expect(asked.contains(#"time.get_current_time {"timezone":"UTC"}"#))
            #expect(asked.hasSuffix("run it? [y/N/a] (a = always for this tool"))
            try terminal.send("a")
            try await terminal.waitFor("The tool said:")
            try await terminal.waitFor("> ")
            // "always": the next call of the same tool is not asked about.
            try terminal.send("and now?\r")
            try await terminal.waitFor("The tool said:")
            try await terminal.waitFor("> ")
            #expect(terminal.text.components(separatedBy: "always for this tool").count == 2)
            try terminal.send("/tools\r")
            try await terminal.waitFor("time.convert_time")
            try await terminal.waitFor("> ")
            try terminal.send("/mcp\r")
            try await terminal.waitFor("ready, 2 tools")
            try await terminal.waitFor("> ")
            try terminal.send("/history\r")
            try await terminal.waitFor("time.get_current_time")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    /// An MCP server (on the `mcp` package of the venv) whose one tool, `wait`, waits until it
    /// is cancelled, saying so on stderr — its log.
    static let waitingServer = #"""
        import sys
        import anyio
        from mcp.server.mcpserver import MCPServer

        server = MCPServer("waiting", version="1")

        def note(text):
            sys.stderr.write(text + "\n")
            sys.stderr.flush()

        @server.tool(name="wait", description="Waits until cancelled.")
        async def wait() -> str:
            note("wait called")
            try:
                await anyio.sleep(3600)
            except anyio.get_cancelled_exc_class():
                note("wait cancelled")
                raise
            return "waited"

        anyio.run(server.run_stdio_async)
        """#

    @Test func ctrlCWhileAToolRunsCancelsItOnItsServerAndTheTurn() async throws {
        let sandbox = try Sandbox()
        let script = try sandbox.write("waiting.py", Self.waitingServer)
        let servers = #"{"waiting": {"command": "\#(try RealParts.venvPython())", "args": ["\#(script)"]}}"#
        try await withFake(config: #"{"model": "fake/tools", "auto_approve_tools": ["*"], "mcp_servers": \#(servers)}"#) {
            fake, sandbox in
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
            try await terminal.waitFor("> ")
            try terminal.send("wait for me\r")
            try await terminal.waitFor("waiting.wait {}")
            let log = sandbox.root + "/state/bankfuture-chat/mcp/waiting.log"
            #expect(await Waiting.forLine("wait called", in: log))
            try terminal.sendControl("c")
            // MCP cancellation reaches the server; the turn is cancelled, nothing more is sent.
            #expect(await Waiting.forLine("wait cancelled", in: log))
            try await terminal.waitFor("> ")
            #expect(fake.chatRequests.count == 1)
            try terminal.send("/history\r")
            try await terminal.waitFor("(no messages yet)")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
        sandbox.remove()
    }
}
