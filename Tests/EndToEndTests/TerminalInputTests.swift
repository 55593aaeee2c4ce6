import FakeOpenRouter
import Foundation
import Synchronization
import TestSupport
import Testing

/// What reaches the built binary from the keyboard, in a real pseudo-terminal: file-name
/// completion, keys typed ahead of a one-key question, bracketed paste, and type-ahead
/// dropped by Ctrl-C.
@Suite(.serialized) struct TerminalInputTests {
    static let pasteStart = "\u{1B}[200~"
    static let pasteEnd = "\u{1B}[201~"

    /// Holds the fake's answer to the next chat request until ``release()``, so the test can
    /// type while the request is on its way: the answer (and any question it leads to) then
    /// provably comes after those keys.
    final class AnswerGate: Sendable {
        private let armed = Mutex(false)
        private let released = DispatchSemaphore(value: 0)

        func arm() { armed.withLock { $0 = true } }
        func release() { released.signal() }

        /// The fake's request hook (on an event-loop thread: blocking it delays this answer only).
        func hold(_ request: RecordedRequest) {
            guard request.method == "POST", request.path.hasSuffix("/chat/completions") else { return }
            let wasArmed = armed.withLock { armed in
                defer { armed = false }
                return armed
            }
            guard wasArmed else { return }
            _ = released.wait(timeout: .now() + 30)
        }
    }

    /// Starts the chat in `folder` (the sandbox's root by default) on a pseudo-terminal.
    func withChat(
        _ arguments: [String] = [], folder: String? = nil, env extra: [String: String] = [:], config: String? = nil,
        _ body: (PseudoTerminal, FakeOpenRouter, Sandbox, AnswerGate) async throws -> Void
    ) async throws {
        let gate = AnswerGate()
        let fake = try await FakeOpenRouter.start(onRequest: { gate.hold($0) })
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        if let config { _ = try sandbox.write("config/bankfuture-chat/config.json", config) }
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh",
            arguments: ["-c", #"cd "$1" && shift && exec "$@""#, "sh", folder ?? sandbox.root, Binaries.chat, "--base-url", fake.baseURL]
                + arguments,
            environment: sandbox.environment(extra))
        do {
            try await body(terminal, fake, sandbox, gate)
        } catch {
            gate.release()
            _ = terminal.terminate()
            try await fake.shutdown()
            throw error
        }
        _ = terminal.terminate()
        try await fake.shutdown()
    }

    /// Waits until the fake has received `count` chat requests (an event, polled).
    static func waitForRequests(_ count: Int, on fake: FakeOpenRouter) async throws {
        let arrived = await Waiting.until(timeout: .seconds(30)) { fake.chatRequests.count >= count }
        try #require(arrived, "the fake got \(fake.chatRequests.count) chat requests, not \(count)")
    }

    // MARK: Issue 20, item 1: file-name completion

    @Test func completingFileNamesListsThemSanitizedAndInsertsNoControl() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        let folder = sandbox.root + "/files"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in ["a\u{1B}]0;PWNED\u{07}x.txt", "a\u{1B}]52;c;QkFTRTY0\u{07}y.txt"] {
            #expect(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data("hello".utf8)))
        }
        try await withChat(folder: folder) { terminal, _, _, _ in
            try await terminal.waitFor("> ")
            try terminal.send("/file a\t\t")
            // Listed, in visible placeholders; a glob still attaches the file.
            try await terminal.waitFor("a␛]0;PWNED␇x.txt")
            try terminal.send("*x.txt\r")
            try await terminal.waitFor("to the next message")
            try await terminal.waitFor("> ")
            let output = terminal.output
            #expect(!output.contains("\u{1B}]0;"))
            #expect(!output.contains("\u{1B}]52;"))
            #expect(!output.contains("\u{1B}]"))
            #expect(output.contains("a␛]52;c;QkFTRTY0␇y.txt"))
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    // MARK: Issue 20, item 2: keys typed ahead never answer a one-key question

    /// `-e` whose answer is `touch MARKER`: `typedAhead` is typed while the request is on its
    /// way, `answer` after the question is shown.
    func executeQuestion(typedAhead: String, answer: String) async throws -> (status: Int32, ran: Bool) {
        var result: (Int32, Bool) = (-1, false)
        try await withChat(["-e", "make a marker file"], env: ["SHELL": "/bin/sh"]) { terminal, fake, sandbox, gate in
            let marker = sandbox.root + "/ran"
            fake.enqueue(.streamText(pieces: ["```sh\n", "touch \(marker)\n", "```"], model: "m/1"))
            gate.arm()
            try await Self.waitForRequests(1, on: fake)
            try terminal.send(typedAhead)
            gate.release()
            try await terminal.waitFor("[e]xecute")
            try terminal.send(answer)
            let status = try await terminal.waitForExit()
            result = (status, FileManager.default.fileExists(atPath: marker))
        }
        return result
    }

    @Test func keysTypedBeforeTheExecuteQuestionDoNotAnswerIt() async throws {
        // `e` typed ahead does not execute: the `x` pressed at the question aborts.
        let typedE = try await executeQuestion(typedAhead: "eee", answer: "x")
        #expect(typedE.ran == false)
        #expect(typedE.status == 130)
        // `x` typed ahead does not abort: the `e` pressed at the question executes.
        let typedX = try await executeQuestion(typedAhead: "xx", answer: "e")
        #expect(typedX.ran == true)
        #expect(typedX.status == 0)
    }

    @Test func keysTypedBeforeTheApprovalQuestionDoNotApprove() async throws {
        let timeServer = try RealParts.timeServer()
        let servers = #"{"time": {"command": "\#(timeServer)", "args": ["--local-timezone", "UTC"]}}"#
        try await withChat(config: #"{"model": "fake/tools", "mcp_servers": \#(servers)}"#) { terminal, fake, _, gate in
            try await terminal.waitFor("> ")
            gate.arm()
            try terminal.send("what time is it?\r")
            try await Self.waitForRequests(1, on: fake)
            // "yes", "always", "are you sure": all typed before the question exists.
            try terminal.send("yay are you sure")
            gate.release()
            try await terminal.waitFor("run ")
            try await terminal.waitFor("?")
            try terminal.send("n")
            try await Self.waitForRequests(2, on: fake)
            try await terminal.waitFor("> ")
            let messages = try #require(fake.chatRequests.last?.json?["messages"] as? [[String: Any]])
            let results = messages.filter { $0["role"] as? String == "tool" }.compactMap { $0["content"] as? String }
            #expect(results.count == 1)
            // Declined: the time server's answer (which names the time zone) was never asked for.
            #expect(results.allSatisfy { !$0.contains("timezone") })
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    // MARK: Issue 23, item 1: a paste is one message, sent on Enter

    @Test func aPasteOf500LinesIsOneRequestSentOnlyOnEnter() async throws {
        let lines = (1...500).map { "line \($0) of the pasted text" }
        try await withChat { terminal, fake, _, _ in
            try await terminal.waitFor("> ")
            try terminal.send(Self.pasteStart + lines.joined(separator: "\r") + "\r" + Self.pasteEnd)
            try await terminal.waitFor("[pasted 500 lines, ")
            #expect(fake.chatRequests.isEmpty, "nothing is sent before Enter")
            try terminal.send("\r")
            try await terminal.waitFor("Echo: line 1 of the pasted text")
            try await terminal.waitFor("line 500 of the pasted text")
            try await terminal.waitFor("> ")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
            #expect(fake.chatRequests.count == 1)
            #expect(fake.chatRequests.first?.messages.last?.content == lines.joined(separator: "\n"))
        }
    }

    @Test func pastedCommandsAndControlsRunNothing() async throws {
        try await withChat { terminal, fake, _, _ in
            try await terminal.waitFor("> ")
            // A leading `/exit`, an arrow key, Ctrl-C and Ctrl-D bytes: all text of one message.
            try terminal.send(Self.pasteStart + "/exit\r/model x/y\r\u{1B}[A\u{03}\u{04}\r" + Self.pasteEnd)
            try await terminal.waitFor("[pasted 3 lines, ")
            try terminal.send("\r")
            try await terminal.waitFor("Echo: /exit")
            try await terminal.waitFor("> ")
            #expect(fake.chatRequests.count == 1)
            #expect(fake.chatRequests.first?.messages.last?.content == "/exit\n/model x/y\n\u{1B}[A\u{03}\u{04}")
            #expect(fake.chatRequests.first?.model != "x/y")
            // Recalled from the line history (one entry), it is still a message.
            try terminal.send("\u{1B}[A\r")
            try await terminal.waitFor("Echo: /exit")
            try await terminal.waitFor("> ")
            #expect(fake.chatRequests.count == 2)
            #expect(fake.chatRequests.last?.messages.last?.content == "/exit\n/model x/y\n\u{1B}[A\u{03}\u{04}")
            // A paste after a typed command is that command's argument.
            try terminal.send("/system " + Self.pasteStart + "Be terse.\rVery." + Self.pasteEnd + "\r")
            try await terminal.waitFor("> ")
            try terminal.send("hi\r")
            try await terminal.waitFor("Echo: hi")
            #expect(fake.chatRequests.last?.messages.first?.content == "Be terse.\nVery.")
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    // MARK: Issue 23, item 1: Ctrl-C during a turn drops the lines typed behind it

    @Test func ctrlCDuringAnAnswerDropsTheLinesTypedAheadAndSaysHowMany() async throws {
        try await withChat(["-m", "fake/slow"]) { terminal, fake, _, _ in
            try await terminal.waitFor("fake/slow> ")
            try terminal.send("hello\r")
            try await terminal.waitFor("streamed")
            // Three lines and a started fourth, typed while the answer streams, then Ctrl-C.
            try terminal.send("one\rtwo\rthree\rfou")
            try await terminal.waitFor("fou")
            try terminal.sendControl("c")
            try await terminal.waitFor("dropped 4 lines typed during the answer")
            try await terminal.waitFor("fake/slow> ")
            try terminal.send("/model fake/echo\r")
            try await terminal.waitFor("fake/echo> ")
            try terminal.send("after\r")
            try await terminal.waitFor("Echo: after")
            try await terminal.waitFor("> ")
            #expect(fake.chatRequests.count == 2)
            let sent = fake.chatRequests.flatMap { $0.messages.map(\.content) }
            #expect(!sent.contains { $0.contains("one") || $0.contains("two") || $0.contains("three") || $0.contains("fou") })
            try terminal.send("/exit\r")
            #expect(try await terminal.waitForExit() == 0)
        }
    }

    @Test func scriptedInputKeepsEveryLine() async throws {
        try await withFake { fake, sandbox in
            let run = try await chat(["--stdin", "repl"], fake: fake, sandbox: sandbox, stdin: "one\ntwo\nthree\n")
            #expect(run.status == 0)
            #expect(fake.chatRequests.map { $0.messages.last?.content } == ["one", "two", "three"])
        }
    }
}
