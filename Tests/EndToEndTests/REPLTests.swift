import FakeOpenRouter
import Foundation
import TestSupport
import Testing

/// The built binary's REPL in a real pseudo-terminal against FakeOpenRouter.
@Suite(.serialized) struct REPLTests {
    func withREPL(
        _ arguments: [String] = [], stdinPipe: String? = nil, env extra: [String: String] = [:],
        _ body: (PseudoTerminal, FakeOpenRouter, Sandbox) async throws -> Void
    ) async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL] + arguments,
            environment: sandbox.environment(extra), stdinPipe: stdinPipe)
        do {
            try await body(terminal, fake, sandbox)
        } catch {
            _ = terminal.terminate()
            try await fake.shutdown()
            throw error
        }
        _ = terminal.terminate()
        try await fake.shutdown()
    }

    @Test func chatSwitchModelAndExitWithCtrlD() async throws {
        try await withREPL { terminal, fake, sandbox in
            try await terminal.waitFor("google/gemini-2.5-flash> ")
            try terminal.send("hello there\r")
            try await terminal.waitFor("Echo: hello there")
            try await terminal.waitFor("google/gemini-2.5-flash> ")
            try terminal.send("/model openai/gpt-4o-mini\r")
            try await terminal.waitFor("openai/gpt-4o-mini> ")
            try terminal.send("and again\r")
            try await terminal.waitFor("Echo: and again")
            try await terminal.waitFor("openai/gpt-4o-mini> ")
            try terminal.sendControl("d")
            #expect(try await terminal.waitForExit() == 0)

            let requests = fake.chatRequests
            #expect(requests.map(\.model) == ["google/gemini-2.5-flash", "openai/gpt-4o-mini"])
            #expect(requests[1].messages.map(\.content) == ["hello there", "Echo: hello there", "and again"])

            let history = sandbox.root + "/state/bankfuture-chat/history"
            let attributes = try FileManager.default.attributesOfItem(atPath: history)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            // libedit's history format escapes spaces as \040.
            let saved = try String(contentsOfFile: history, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
            #expect(saved.contains("hello there"))
            #expect(saved.contains("/model openai/gpt-4o-mini"))
        }
    }

    @Test func unicodeInputArrivesIntact() async throws {
        try await withREPL { terminal, fake, _ in
            try await terminal.waitFor("> ")
            try terminal.send("Привет, мир 👋🏽\r")
            try await terminal.waitFor("Echo: Привет, мир 👋🏽")
            #expect(fake.chatRequests.first?.messages.last?.content == "Привет, мир 👋🏽")
        }
    }

    @Test func unicodeInputWithoutAUTF8Locale() async throws {
        try await withREPL(env: ["LANG": "", "LC_ALL": "", "LC_CTYPE": ""]) { terminal, fake, _ in
            try await terminal.waitFor("> ")
            try terminal.send("Ёлка\r")
            try await terminal.waitFor("Echo: Ёлка")
            #expect(fake.chatRequests.first?.messages.last?.content == "Ёлка")
        }
    }

    @Test func ctrlCDuringAStreamStopsItAndLeavesHistoryUntouched() async throws {
        try await withREPL(["-m", "fake/slow"]) { terminal, fake, _ in
            try await terminal.waitFor("fake/slow> ")
            try terminal.send("tell me slowly\r")
            try await terminal.waitFor("Echo:")
            try terminal.sendControl("c")
            try await terminal.waitFor("stopped")
            // Stopped at the source: the client closed the request while the fake was still sending.
            #expect(await Waiting.until { fake.unfinishedResponses == 1 }, "the fake finished the answer: the request was not closed")
            try await terminal.waitFor("fake/slow> ")
            try terminal.send("/history\r")
            try await terminal.waitFor("(no messages yet)")
            try terminal.send("/model openai/gpt-4o-mini\r")
            try await terminal.waitFor("openai/gpt-4o-mini> ")
            try terminal.send("/retry\r")
            try await terminal.waitFor("Echo: tell me slowly")
            try await terminal.waitFor("openai/gpt-4o-mini> ")
            #expect(fake.chatRequests.count == 2)
            #expect(fake.chatRequests[1].messages.map(\.content) == ["tell me slowly"])
            try terminal.sendControl("d")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func ctrlCAtThePromptClearsTheLine() async throws {
        try await withREPL { terminal, fake, _ in
            try await terminal.waitFor("> ")
            try terminal.send("half-typed")
            try terminal.sendControl("c")
            try await terminal.waitFor("> ")
            try terminal.send("clean\r")
            try await terminal.waitFor("Echo: clean")
            #expect(fake.chatRequests.map { $0.messages.last?.content } == ["clean"])
            // Two Ctrl-C on an empty prompt: the second says how to leave.
            try await terminal.waitFor("> ")
            try terminal.sendControl("c")
            try await terminal.waitFor("> ")
            try terminal.sendControl("c")
            try await terminal.waitFor("Ctrl-D or type /exit")
        }
    }

    @Test func pipedSystemPromptWithInputFromTheTerminal() async throws {
        try await withREPL(stdinPipe: "You are a pirate.\n") { terminal, fake, _ in
            try await terminal.waitFor("system prompt from stdin")
            try await terminal.waitFor("> ")
            try terminal.send("ahoy\r")
            try await terminal.waitFor("Echo: ahoy")
            let request = try #require(fake.chatRequests.first)
            #expect(request.messages.map(\.role) == ["system", "user"])
            #expect(request.messages[0].content == "You are a pirate.")
            try await terminal.waitFor("> ")
            try terminal.sendControl("d")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func unknownCommandIsNeverSentAndFailedTurnKeepsTheMessage() async throws {
        try await withREPL(["-m", "fake/error-402"]) { terminal, fake, _ in
            try await terminal.waitFor("> ")
            try terminal.send("/frobnicate\r")
            try await terminal.waitFor("unknown command")
            #expect(fake.chatRequests.isEmpty)
            try terminal.send("please\r")
            try await terminal.waitFor("HTTP 402")
            try terminal.send("/model openai/gpt-4o-mini\r")
            try await terminal.waitFor("openai/gpt-4o-mini> ")
            try terminal.send("/retry\r")
            try await terminal.waitFor("Echo: please")
            #expect(fake.chatRequests.last?.messages.map(\.content) == ["please"])
        }
    }

    @Test func noTerminalAtAllIsAOneLineError() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // ProcessRunner starts the child in a new session: it has no controlling terminal.
        let run = try await chat(["--offline"], fake: nil, sandbox: sandbox, stdin: "system prompt\n")
        #expect(run.status == 2)
        #expect(run.stderr.contains("/dev/tty"))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }

    @Test func scriptedREPLFromStdin() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let run = try await chat(["--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "hi\n/model x/y\nhello\n/unknown\n")
        try await fake.shutdown()
        #expect(run.status == 0)
        #expect(run.stdout == "Echo: hi\nEcho: hello\n")
        #expect(fake.chatRequests.map(\.model) == ["google/gemini-2.5-flash", "x/y"])
        #expect(fake.chatRequests[1].messages.count == 3)
        #expect(run.stderr.contains("unknown command /unknown"))
    }

    @Test func editComposesInTheEditorFromTheEnvironment() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let editor = try sandbox.write("editor.sh", "#!/bin/sh\nprintf 'composed in the editor\\nsecond line' > \"$1\"\n")
        // Run through sh, not exec'd: a script written a moment ago can be "busy" while
        // children forked by concurrent tests still hold its descriptor.
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL],
            environment: sandbox.environment(["EDITOR": "/bin/sh " + editor]))
        try await terminal.waitFor("> ")
        try terminal.send("/edit\r")
        try await terminal.waitFor("Echo: composed in the editor", timeout: .seconds(30))
        #expect(fake.chatRequests.first?.messages.last?.content == "composed in the editor\nsecond line")
        _ = terminal.terminate()
        try await fake.shutdown()
    }

    @Test func sessionsAreAutosavedAndResumed() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let first = try await chat(["--stdin", "repl", "--session", "work"], fake: fake, sandbox: sandbox, stdin: "first question\n")
        #expect(first.status == 0)
        let file = sandbox.root + "/state/bankfuture-chat/sessions/work.jsonl"
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let resumed = try await chat(["--stdin", "repl", "--continue"], fake: fake, sandbox: sandbox, stdin: "second question\n")
        #expect(resumed.status == 0)
        #expect(fake.chatRequests.last?.messages.map(\.content) == ["first question", "Echo: first question", "second question"])
        let oneShot = try await chat(["--session", "work", "third"], fake: fake, sandbox: sandbox)
        #expect(oneShot.status == 0)
        #expect(fake.chatRequests.last?.messages.count == 5)
        let saved = try String(contentsOfFile: file, encoding: .utf8)
        #expect(saved.contains("third"))
        #expect(!saved.contains("SECRET"))
        try await fake.shutdown()
    }

    @Test func ctrlCStopsAOneShotAnswerWithExitCode130() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL, "-m", "fake/slow", "tell me"],
            environment: sandbox.environment())
        try await terminal.waitFor("Echo:")
        try terminal.sendControl("c")
        #expect(try await terminal.waitForExit() == 130)
        #expect(terminal.text.contains("interrupted"))
        try await fake.shutdown()
    }

    @Test func offlineREPLNeedsNoKey() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--offline"], environment: sandbox.environment(key: nil))
        try await terminal.waitFor("offline mode")
        try await terminal.waitFor("> ")
        try terminal.send("first\r")
        try await terminal.waitFor("[offline] Turn 1")
        try await terminal.waitFor("> ")
        try terminal.send("second\r")
        try await terminal.waitFor("[offline] Turn 2")
        try await terminal.waitFor("2 earlier messages")
        try await terminal.waitFor("> ")
        try terminal.send("/exit\r")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func noColorMeansNoStyleSequences() async throws {
        try await withREPL(env: ["NO_COLOR": "1"]) { terminal, _, _ in
            try await terminal.waitFor("> ")
            try terminal.send("plain please\r")
            try await terminal.waitFor("Echo: plain please")
            try await terminal.waitFor("tokens")
            try await terminal.waitFor("> ")
            #expect(!terminal.output.contains("\u{1B}[2m"), "no dim")
            #expect(!terminal.output.contains("\u{1B}[0m"), "no reset")
            #expect(!terminal.output.contains("\u{1B}[3"), "no colour")
        }
    }

    @Test func dumbTerminalUsesThePlainReader() async throws {
        try await withREPL(env: ["TERM": "dumb"]) { terminal, fake, _ in
            try await terminal.waitFor("> ")
            try terminal.send("hi from a dumb terminal\r")
            try await terminal.waitFor("Echo: hi from a dumb terminal")
            try await terminal.waitFor("> ")
            try terminal.sendControl("d")
            #expect(try await terminal.waitForExit() == 0)
            #expect(fake.chatRequests.count == 1)
            #expect(!terminal.output.contains("\u{1B}["))
        }
    }

    @Test func markdownIsRenderedOnATerminalAndLeftAloneWithRaw() async throws {
        try await withREPL { terminal, fake, _ in
            fake.enqueue(.streamText(pieces: ["# Ti", "tle\n", "Some **bo", "ld** and `co", "de`.\n"], model: "m/x"))
            try await terminal.waitFor("> ")
            try terminal.send("md\r")
            try await terminal.waitFor("Some bold and code.")
            #expect(!terminal.text.contains("**"))
            #expect(!terminal.text.contains("# Title"))
            #expect(terminal.output.contains("\u{1B}[1m"), "bold is styled")
        }
        try await withREPL(["--raw"]) { terminal, fake, _ in
            fake.enqueue(.streamText(pieces: ["Some **bold**"], model: "m/x"))
            try await terminal.waitFor("> ")
            try terminal.send("md\r")
            try await terminal.waitFor("Some **bold**")
        }
    }

    @Test func ctrlXCtrlEOpensTheEditorWithTheTypedText() async throws {
        let fake = try await FakeOpenRouter.start()
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let editor = try sandbox.write("editor.sh", "#!/bin/sh\nprintf '%s + edited' \"$(cat \"$1\")\" > \"$1\"\n")
        // Run through sh, not exec'd: a script written a moment ago can be "busy" while
        // children forked by concurrent tests still hold its descriptor.
        let terminal = try await PseudoTerminal.spawn(
            executable: Binaries.chat, arguments: ["--base-url", fake.baseURL],
            environment: sandbox.environment(["EDITOR": "/bin/sh " + editor]))
        try await terminal.waitFor("> ")
        try terminal.send("draft text")
        try terminal.sendControl("x")
        try terminal.sendControl("e")
        try await terminal.waitFor("Echo: draft text + edited")
        #expect(fake.chatRequests.first?.messages.last?.content == "draft text + edited")
        try await terminal.waitFor("> ")
        // Ctrl-E alone still moves to the end of the line.
        try terminal.send("bc")
        try terminal.sendControl("a")
        try terminal.send("a")
        try terminal.sendControl("e")
        try terminal.send("d\r")
        try await terminal.waitFor("Echo: abcd")
        _ = terminal.terminate()
        try await fake.shutdown()
    }

    @Test func reasoningIsCollapsedOnATerminalAndNeverKept() async throws {
        try await withREPL(["-m", "fake/reasoning"]) { terminal, fake, _ in
            try await terminal.waitFor("> ")
            try terminal.send("why\r")
            try await terminal.waitFor("(reasoned: about")
            try await terminal.waitFor("> ")
            try terminal.send("again\r")
            try await terminal.waitFor("(reasoned: about")
            let second = try #require(fake.chatRequests.last)
            #expect(second.messages.count == 3)
            #expect(!second.messages[1].content.isEmpty)
            #expect(!second.messages[1].content.contains("thinking"))
        }
    }
}
