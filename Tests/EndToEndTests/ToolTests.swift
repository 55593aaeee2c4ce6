import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// Tools through MCP, end to end: the built binary, its tool host, the official
/// `mcp-server-time` from PyPI (installed by `.ci/install-deps`) and the fake's `fake/tools`
/// model, which calls the first offered tool and then answers with what the tool said.
@Suite(.serialized) struct ToolTests {
    /// Where `.ci/install-deps` installs it, from this file's place in `Tests/EndToEndTests/`.
    static let venv =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path + "/.build/mcp-venv"
    static let timeServer = venv + "/bin/mcp-server-time"

    /// Whether `mcp-server-time` is installed; says why not, once, when it is not.
    static let timeServerInstalled: Bool = {
        if FileManager.default.isExecutableFile(atPath: timeServer) { return true }
        let why = try? String(contentsOfFile: venv + "/UNAVAILABLE", encoding: .utf8)
        print("SKIPPED: the MCP end-to-end tests: \(timeServer) is missing (run .ci/install-deps); \(why ?? "")")
        return false
    }()

    func withFake(config: String? = nil, _ body: (FakeOpenRouter, Sandbox) async throws -> Void) async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let servers = #"{"time": {"command": "\#(Self.timeServer)", "args": ["--local-timezone", "UTC"]}}"#
        _ = try sandbox.write(
            "config/bankfuture-chat/config.json", config ?? #"{"model": "fake/tools", "mcp_servers": \#(servers)}"#)
        do { try await body(fake, sandbox) } catch {
            try await fake.shutdown()
            throw error
        }
        try await fake.shutdown()
    }

    /// The tool messages of the last request: `tool_call_id` and content.
    func toolMessages(_ fake: FakeOpenRouter) throws -> [[String: Any]] {
        let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
        return messages.filter { $0["role"] as? String == "tool" }
    }

    @Test(.enabled(if: timeServerInstalled)) func oneShotWithYesRunsTheToolAndPrintsOnlyTheAnswer() async throws {
        try await withFake { fake, sandbox in
            let run = try chat(["-y", "what time is it in UTC?"], fake: fake, sandbox: sandbox, stdin: "")
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

    @Test(.enabled(if: timeServerInstalled)) func withoutATerminalOrApprovalTheCallIsDeclined() async throws {
        try await withFake { fake, sandbox in
            let run = try chat(["what time is it?"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stderr.contains("declined time.get_current_time"))
            #expect(try toolMessages(fake).first?["content"] as? String == "declined by the user")
        }
    }

    @Test(.enabled(if: timeServerInstalled)) func autoApproveToolsApprovesByPattern() async throws {
        let servers = #"{"time": {"command": "\#(Self.timeServer)"}}"#
        try await withFake(config: #"{"model": "fake/tools", "auto_approve_tools": ["time.*"], "mcp_servers": \#(servers)}"#) {
            fake, sandbox in
            let run = try chat(["what time is it in UTC?"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(try toolMessages(fake).first?["content"] as? String != "declined by the user")
            #expect(run.stdout.contains("UTC"))
        }
    }

    @Test(.enabled(if: timeServerInstalled)) func noToolsOffersNone() async throws {
        try await withFake { fake, sandbox in
            let run = try chat(["--no-tools", "hello"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0)
            #expect(fake.chatRequests.last?.json?["tools"] == nil)
            #expect(run.stdout == "Echo: hello\n")
        }
    }

    @Test func aServerThatCannotStartIsOneLineAndTheChatGoesOn() async throws {
        let config = #"{"model": "fake/tools", "mcp_servers": {"broken": {"command": "/nonexistent/mcp-server"}}}"#
        try await withFake(config: config) { fake, sandbox in
            let run = try chat(["hello"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            #expect(run.stdout == "Echo: hello\n")
            let lines = run.stderr.split(separator: "\n").filter { $0.contains("broken") }
            #expect(lines.count == 1, "\(run.stderr)")
            #expect(lines.first?.contains("could not start") == true)
            #expect(fake.chatRequests.last?.json?["tools"] == nil)
        }
    }

    @Test(.enabled(if: timeServerInstalled)) func theREPLAsksListsAndShowsTheServers() async throws {
        try await withFake { fake, sandbox in
            let terminal = try PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment())
            try terminal.waitFor("> ")
            try terminal.send("/mcp\r")
            try terminal.waitFor("time")
            try terminal.waitFor("> ")
            try terminal.send("what time is it?\r")
            try terminal.waitFor("[a]lways for this tool")
            try terminal.send("a")
            try terminal.waitFor("The tool said:")
            try terminal.waitFor("> ")
            // "always": the next call of the same tool is not asked about.
            try terminal.send("and now?\r")
            try terminal.waitFor("The tool said:")
            try terminal.waitFor("> ")
            #expect(terminal.text.components(separatedBy: "[a]lways for this tool").count == 2)
            try terminal.send("/tools\r")
            try terminal.waitFor("time.convert_time")
            try terminal.waitFor("> ")
            try terminal.send("/mcp\r")
            try terminal.waitFor("ready, 2 tools")
            try terminal.waitFor("> ")
            try terminal.send("/history\r")
            try terminal.waitFor("time.get_current_time")
            try terminal.send("/exit\r")
            #expect(try terminal.waitForExit() == 0)
        }
    }
}
