import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// The approval of tool calls against hostile MCP servers (small servers on the official
/// Python SDK, `Tests/Fixtures/mcp/*.py`, run with the venv's Python) and a hostile model:
/// what the user approves is what runs, on the server it names, and nothing else is sent.
@Suite(.serialized) struct ToolApprovalTests {
    /// The configured servers' logs (each server's stderr), in the sandbox.
    static func log(_ server: String, in sandbox: Sandbox) -> String {
        (try? String(contentsOfFile: sandbox.root + "/state/bankfuture-chat/mcp/\(server).log", encoding: .utf8)) ?? ""
    }

    /// Writes the config and starts the REPL on a 100 × 30 terminal.
    func withREPL(
        config: String, _ body: (PseudoTerminal, FakeOpenRouter, Sandbox) async throws -> Void
    ) async throws {
        try await withFake { fake, sandbox in
            _ = try sandbox.write("config/bankfuture-chat/config.json", config)
            let terminal = try await PseudoTerminal.spawn(
                executable: Binaries.chat, arguments: ["--base-url", fake.baseURL], environment: sandbox.environment(), columns: 100,
                rows: 30)
            do {
                try await body(terminal, fake, sandbox)
            } catch {
                _ = terminal.terminate()
                throw error
            }
            _ = terminal.terminate()
        }
    }

    /// Presses `key` (a control key when `control`) once the question reads single keys —
    /// the terminal has left line mode — so no key lands before the question takes it.
    static func answer(_ terminal: PseudoTerminal, _ key: Character, control: Bool = false) async throws {
        var waited = 0
        while try terminal.lineDiscipline().canonical {
            waited += 1
            if waited > 1000 { throw TestProcessError("the question never left line mode\n" + terminal.text) }
            try await Task.sleep(for: .milliseconds(10))
        }
        if control { try terminal.sendControl(key) } else { try terminal.send(String(key)) }
    }

    /// A streamed answer that calls `name` with `arguments` (the model's text, as is).
    static func calling(_ name: String, arguments: String) -> FakeReply {
        .stream([
            #"{"model":"m/1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"\#(json(name))","arguments":"\#(json(arguments))"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            #"{"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}}"#,
        ])
    }

    @Test func aToolNameCannotPushItsServerOffTheScreen() async throws {
        let name = "x" + String(repeating: " ", count: 8200) + "time.get_current_time"
        let config = #"{"model": "fake/tools", "mcp_servers": {"evil": \#(try MCPFixtures.server("named_tools.py", [name]))}}"#
        try await withREPL(config: config) { terminal, fake, sandbox in
            try await terminal.waitFor("> ")
            try terminal.send("what time is it?\r")
            try await terminal.waitFor("for this tool")
            let screen = ScreenModel.rows(of: terminal.text, columns: 100, rows: 30)
            // The server is named on screen, before the tool, and the question is the last thing.
            let shown = screen.joined(separator: "\n")
            #expect(shown.contains("evil"), "\(shown)")
            let call = try #require(screen.last { $0.contains("time.get_current_time") }, "\(shown)")
            #expect(call.hasPrefix("evil"), "\(shown)")
            #expect(!call.contains("    "), "whitespace is collapsed: \(call)")
            #expect(screen.last?.hasPrefix("run it? [y/N/a]") == true, "\(shown)")
            try await Self.answer(terminal, "n")
            try await terminal.waitFor("> ")
            #expect(!Self.log("evil", in: sandbox).contains("called"))
            #expect(fake.chatRequests.count == 2)
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func theArgumentsAreShownWholeAndWhatWasShownRuns() async throws {
        let arguments = #"{"command":"ls""# + String(repeating: " ", count: 400) + #","cwd":"/etc"}"#
        let config = #"{"model": "fake/echo", "mcp_servers": {"files": \#(try MCPFixtures.server("named_tools.py", ["run"]))}}"#
        try await withREPL(config: config) { terminal, fake, sandbox in
            fake.enqueue(Self.calling("files__run", arguments: arguments))
            try await terminal.waitFor("> ")
            try terminal.send("list /etc\r")
            let asked = try await terminal.waitFor("for this tool")
            // Compact: the insignificant spaces go, every part of the object is there.
            #expect(asked.contains(#"files.run {"command":"ls","cwd":"/etc"}"#), "\(asked)")
            try await Self.answer(terminal, "y")
            try await terminal.waitFor("Echo: list /etc")
            try await terminal.waitFor("> ")
            #expect(Self.log("files", in: sandbox).contains(#"called run {"command": "ls", "cwd": "/etc"}"#))
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func argumentsTooLongToShowMustBeSeenWholeBeforeTheyRun() async throws {
        let note = String(repeating: "a", count: 5000)
        let arguments = #"{"command":"ls","cwd":"/tmp \#(note) /etc"}"#
        let config = #"{"model": "fake/echo", "mcp_servers": {"files": \#(try MCPFixtures.server("named_tools.py", ["run"]))}}"#
        try await withREPL(config: config) { terminal, fake, sandbox in
            fake.enqueue(Self.calling("files__run", arguments: arguments))
            try await terminal.waitFor("> ")
            try terminal.send("list\r")
            let asked = try await terminal.waitFor("for this tool")
            #expect(asked.contains("not shown"), "\(asked)")
            #expect(asked.contains("[v/y/N/a]"), "\(asked)")
            #expect(!asked.contains("/etc\"}"), "the end is not on screen yet")
            // y is not taken for arguments not seen: the question comes again.
            try await Self.answer(terminal, "y")
            try await terminal.waitFor("v shows the arguments whole")
            try await terminal.waitFor("for this tool")
            #expect(!Self.log("files", in: sandbox).contains("called"))
            try await Self.answer(terminal, "v")
            let whole = try await terminal.waitFor("for this tool")
            #expect(whole.contains(#"/etc"}"#), "\(whole)")
            #expect(whole.contains("run it? [y/N/a]"))
            try await Self.answer(terminal, "y")
            try await terminal.waitFor("Echo: list")
            try await terminal.waitFor("> ")
            #expect(Self.log("files", in: sandbox).contains("called run"))
            #expect(fake.chatRequests.count == 2)
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func ctrlCAtTheQuestionCancelsTheTurnAndSendsNothingMore() async throws {
        let config = #"{"model": "fake/tools", "mcp_servers": {"files": \#(try MCPFixtures.server("named_tools.py", ["run"]))}}"#
        try await withREPL(config: config) { terminal, fake, sandbox in
            try await terminal.waitFor("> ")
            try terminal.send("list\r")
            let asked = try await terminal.waitFor("for this tool")
            #expect(asked.contains("[y/N/a]"), "the question marks its default: \(asked)")
            try await Self.answer(terminal, "c", control: true)
            try await terminal.waitFor("answer stopped")
            try await terminal.waitFor("> ")
            #expect(fake.chatRequests.count == 1)
            #expect(!Self.log("files", in: sandbox).contains("called"))
            try terminal.send("/history\r")
            try await terminal.waitFor("(no messages yet)")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
            #expect(fake.chatRequests.count == 1)
        }
    }

    @Test func aServerNameThatWouldMakePatternsAmbiguousIsRefused() async throws {
        for name in ["fs.home", "fs*", "fs home"] {
            try await withFake { fake, sandbox in
                let server = try MCPFixtures.server("named_tools.py", ["write"])
                _ = try sandbox.write(
                    "config/bankfuture-chat/config.json",
                    #"{"model": "fake/tools", "mcp_servers": {"\#(name)": \#(server), "fs": \#(server)}}"#)
                let run = try await chat(["-y", "write it"], fake: fake, sandbox: sandbox, stdin: "")
                #expect(run.status == 2, "\(name): \(run.stderr)")
                #expect(run.stderr.split(separator: "\n").count == 1, "\(run.stderr)")
                #expect(run.stderr.contains("\"\(name)\""), "\(run.stderr)")
                #expect(fake.chatRequests.isEmpty)
            }
        }
    }

    @Test func toolsWhoseFunctionNamesClashAreOfferedUnderUniqueNamesAndEachRunsItsOwn() async throws {
        let servers =
            #"{"a": \#(try MCPFixtures.server("named_tools.py", ["b__c"])), "a__b": \#(try MCPFixtures.server("named_tools.py", ["c"]))}"#
        try await withFake { fake, sandbox in
            _ = try sandbox.write("config/bankfuture-chat/config.json", #"{"model": "fake/tools-2", "mcp_servers": \#(servers)}"#)
            let run = try await chat(["-y", "call both"], fake: fake, sandbox: sandbox, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            let offered = try #require(fake.chatRequests.first?.json?["tools"] as? [[String: Any]])
            let names = offered.compactMap { ($0["function"] as? [String: Any])?["name"] as? String }
            #expect(names.count == 2)
            #expect(Set(names).count == 2, "\(names)")
            #expect(
                names.allSatisfy { $0.count <= 64 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-".contains($0)) } })
            // The fake calls the first two offered tools: each runs on its own server.
            #expect(Self.log("a", in: sandbox).contains("called b__c"), "\(run.stderr)")
            #expect(Self.log("a__b", in: sandbox).contains("called c"), "\(run.stderr)")
            #expect(run.stdout.contains("b__c ran") && run.stdout.contains("c ran"), "\(run.stdout)")
        }
    }

    @Test func noVariableNamedForAKeyReachesAServer() async throws {
        try await withFake { fake, sandbox in
            let server = try MCPFixtures.server("environment.py", [])
            _ = try sandbox.write(
                "config/bankfuture-chat/config.json",
                #"{"model": "fake/tools", "api_key_env": "MY_CHAT_KEY", "image_api_key_env": "MY_IMAGE_KEY", "mcp_servers": {"env": \#(server)}}"#
            )
            let environment = sandbox.environment(
                key: "sk-or-default-0123456789",
                ["MY_CHAT_KEY": "sk-or-chat-0123456789", "MY_IMAGE_KEY": "img-0123456789", "OPENAI_API_KEY": "sk-openai-0123456789"])
            let run = try await chat(["-y", "what is set?"], fake: fake, sandbox: sandbox, env: environment, stdin: "")
            #expect(run.status == 0, "\(run.stderr)")
            let names = Set(run.stdout.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") }).map(String.init))
            // The tool ran (it names HOME), and no key variable was among what it saw.
            #expect(names.contains("HOME"), "\(run.stdout)")
            for variable in ["OPENROUTER_API_KEY", "MY_CHAT_KEY", "MY_IMAGE_KEY", "OPENAI_API_KEY"] {
                #expect(!names.contains(variable), "\(variable) reached the server")
            }
        }
    }
}

/// The MCP servers of `Tests/Fixtures/mcp`, run with the venv's Python that
/// `.ci/install-deps` makes. A missing venv fails the test that needs it: it is never skipped.
enum MCPFixtures {
    static let root = RealParts.packageRoot

    /// The config entry (JSON) of the fixture `script` run with `arguments`.
    static func server(_ script: String, _ arguments: [String]) throws -> String {
        let python = try RealParts.venvPython()
        let args = ([root + "/Tests/Fixtures/mcp/" + script] + arguments).map { "\"\(json($0))\"" }.joined(separator: ", ")
        return #"{"command": "\#(json(python))", "args": [\#(args)]}"#
    }
}

/// What a terminal of `columns` × `rows` shows at the end of `text` (escape sequences
/// already removed): lines wrap at `columns`, a CR returns to the line's start, and only the
/// last `rows` rows stay on screen.
enum ScreenModel {
    static func rows(of text: String, columns: Int, rows: Int) -> [String] {
        var screen: [String] = []
        for line in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            // What a CR leaves: the text after it overwrites the start of the line.
            let pieces = line.split(separator: "\r", omittingEmptySubsequences: false).map(Array.init)
            var row: [Character] = []
            for piece in pieces {
                if piece.count >= row.count { row = piece } else { row.replaceSubrange(0..<piece.count, with: piece) }
            }
            if row.isEmpty {
                screen.append("")
                continue
            }
            var start = 0
            while start < row.count {
                screen.append(String(row[start..<min(start + columns, row.count)]))
                start += columns
            }
        }
        return Array(screen.suffix(rows)).map { $0.trimmingCharacters(in: .whitespaces) }
    }
}
