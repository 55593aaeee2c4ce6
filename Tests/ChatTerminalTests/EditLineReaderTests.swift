import Foundation
import TestSupport
import Testing

/// EditLineReader on a real pseudo-terminal, driven through ``TerminalHelper`` (a copy of
/// this test binary that runs a small read-print loop: `LINE[text]`, `INTERRUPT`, `EOF`).
@Suite struct EditLineReaderTests {
    private static let up = "\u{1B}[A"

    /// Starts the helper and waits for its first prompt.
    private func startReader(
        environment: [String: String] = [:], stdinPipe: String? = nil
    ) async throws -> PseudoTerminal {
        let terminal = try await TerminalHelper.spawn(role: "editline", environment: environment, stdinPipe: stdinPipe)
        try await terminal.waitFor("READY", timeout: .seconds(30))
        try await terminal.waitFor("edit> ")
        return terminal
    }

    /// Types `keys` and expects `expected` as the helper's next report.
    private func type(_ keys: String, expect expected: String, on terminal: PseudoTerminal) async throws {
        try terminal.send(keys)
        try await terminal.waitFor(expected)
        try await terminal.waitFor("edit> ")
    }

    @Test func returnsLinesIntactInUTF8WithoutALocaleInTheEnvironment() async throws {
        let terminal = try await startReader()
        try await type("hello\r", expect: "LINE[hello]", on: terminal)
        try await type("Привет, мир 👋🏽\r", expect: "LINE[Привет, мир 👋🏽]", on: terminal)
        try await type("ça va? 日本語\r", expect: "LINE[ça va? 日本語]", on: terminal)
        try terminal.sendControl("d")
        try await terminal.waitFor("EOF")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func lineEditingKeysWork() async throws {
        let terminal = try await startReader()
        // Ctrl-A to the start, Ctrl-K to kill the rest; Backspace over a Cyrillic letter.
        try await type("wrong\u{01}\u{0B}right\r", expect: "LINE[right]", on: terminal)
        try await type("Приветы\u{7F}\r", expect: "LINE[Привет]", on: terminal)
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func controlCDropsTheLineAndPromptsAgain() async throws {
        let terminal = try await startReader()
        try terminal.send("half a line")
        try await terminal.waitFor("half a line")
        try terminal.sendControl("c")
        try await terminal.waitFor("^C")
        try await terminal.waitFor("INTERRUPT")
        try await terminal.waitFor("edit> ")
        try await type("x\r", expect: "LINE[x]", on: terminal)  // not "half a linex"
        // Repeated Ctrl-C on an empty line keeps the reader alive.
        for _ in 0..<3 {
            try terminal.sendControl("c")
            try await terminal.waitFor("INTERRUPT")
            try await terminal.waitFor("edit> ")
        }
        try terminal.sendControl("d")
        try await terminal.waitFor("EOF")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func controlDOnANonEmptyLineDoesNotEndInput() async throws {
        let terminal = try await startReader()
        try terminal.send("abc")
        try await terminal.waitFor("abc")
        try terminal.sendControl("d")  // deletes under the cursor (nothing) instead
        try await type("\r", expect: "LINE[abc]", on: terminal)
        try terminal.sendControl("d")
        try await terminal.waitFor("EOF")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func tabCompletesCommandsAndModelIds() async throws {
        let terminal = try await startReader()
        try await type("/he\t\r", expect: "LINE[/help ]", on: terminal)
        // Commands given without a slash complete with one.
        try await type("/hi\t\r", expect: "LINE[/history ]", on: terminal)
        // Two matches (/model, /models): their common prefix.
        try await type("/mo\t\r", expect: "LINE[/model]", on: terminal)
        try await type("/model openai\t\r", expect: "LINE[/model openai/gpt-4o:free ]", on: terminal)
        try await type("/model google/gemi\t\r", expect: "LINE[/model google/gemini-2.5-flash ]", on: terminal)
        try await type("/model google/gem\t\r", expect: "LINE[/model google/gem]", on: terminal)
        // Not at the start of a line, or not a command: nothing is completed.
        try await type("hello /mo\t\r", expect: "LINE[hello /mo]", on: terminal)
        try await type("/help goo\t\r", expect: "LINE[/help goo]", on: terminal)
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func historyIsPersistedPrivatelyWithoutBlanksOrRepeats() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let historyFile = directory.path + "/state/bankfuture-chat/history"
        let environment = ["HISTORY_FILE": historyFile]

        let first = try await startReader(environment: environment)
        for line in ["first", "second", "second", "   ", "Привет 👋"] {
            try await type(line + "\r", expect: "LINE[\(line)]", on: first)
        }
        try first.sendControl("d")
        #expect(try await first.waitForExit() == 0)

        let attributes = try FileManager.default.attributesOfItem(atPath: historyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let parent = try FileManager.default.attributesOfItem(atPath: directory.path + "/state/bankfuture-chat")
        #expect((parent[.posixPermissions] as? Int) == 0o700)

        // Up three times: Привет 👋, second, first (blank and repeated lines were not kept).
        let second = try await startReader(environment: environment)
        try await type(Self.up + "\r", expect: "LINE[Привет 👋]", on: second)
        try await type(Self.up + Self.up + Self.up + "\r", expect: "LINE[first]", on: second)
        try second.sendControl("d")
        #expect(try await second.waitForExit() == 0)
    }

    @Test func historyIsBounded() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["HISTORY_FILE": directory.path + "/history", "HISTORY_LIMIT": "2"]
        let first = try await startReader(environment: environment)
        for line in ["a", "b", "c"] {
            try await type(line + "\r", expect: "LINE[\(line)]", on: first)
        }
        try first.sendControl("d")
        #expect(try await first.waitForExit() == 0)

        let second = try await startReader(environment: environment)
        try await type(Self.up + Self.up + Self.up + "\r", expect: "LINE[b]", on: second)
        try second.sendControl("d")
        #expect(try await second.waitForExit() == 0)
    }

    @Test func readsFromDevTTYWhileStandardInputIsAPipe() async throws {
        let terminal = try await TerminalHelper.spawn(
            role: "editline", environment: ["USE_TTY": "1", "READ_STDIN": "1"],
            stdinPipe: "You are terse.\nAnswer in Russian.\n")
        try await terminal.waitFor("STDIN[You are terse.\r\nAnswer in Russian.\r\n]", timeout: .seconds(30))
        try await terminal.waitFor("READY tty=true")
        try await terminal.waitFor("edit> ")
        try await type("Как дела?\r", expect: "LINE[Как дела?]", on: terminal)
        try terminal.sendControl("d")
        try await terminal.waitFor("EOF")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func promptMovesToStandardOutputWhenStandardErrorIsNotATerminal() async throws {
        let terminal = try await TerminalHelper.spawn(role: "editline", discardStandardError: true)
        try await terminal.waitFor("READY", timeout: .seconds(30))
        try await terminal.waitFor("edit> ")
        try await type("seen\r", expect: "LINE[seen]", on: terminal)
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func textTypedBeforeThePromptIsKept() async throws {
        // The helper starts its reader only once this line is waiting on the terminal.
        let terminal = try await TerminalHelper.spawn(role: "editline", environment: ["WAIT_FOR_TYPEAHEAD": "1"])
        try terminal.send("typed early\r")
        try await terminal.waitFor("READY", timeout: .seconds(30))
        try await terminal.waitFor("LINE[typed early]")
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test(arguments: [SIGTERM, SIGHUP])
    func terminationRestoresTheTerminalAndExitsWith128PlusSignal(signal: Int32) async throws {
        let terminal = try await startReader(environment: ["TERMINATION_HANDLERS": "1"])
        try terminal.send("unfinished")
        try await terminal.waitFor("unfinished")
        let editing = try terminal.lineDiscipline()
        #expect(editing.echo == false && editing.canonical == false)  // libedit's raw mode
        terminal.sendSignal(signal)
        #expect(try await terminal.waitForExit() == 128 + signal)
        let after = try terminal.lineDiscipline()
        #expect(after.echo && after.canonical)
    }
}

/// InterruptMonitor and PlainLineReader with a real SIGINT from the terminal's Ctrl-C.
@Suite struct InterruptMonitorTests {
    @Test func flagWaitAndRealControlC() async throws {
        let terminal = try await TerminalHelper.spawn(role: "interrupt")
        try await terminal.waitFor("SIMULATED consume=true again=false", timeout: .seconds(30))
        try await terminal.waitFor("CANCELLED=true")
        try await terminal.waitFor("WAITING")
        // The chat loop cancels a streaming answer this way: the wait ends on the key itself.
        try terminal.sendControl("c")
        try await terminal.waitFor("INTERRUPTED=true")

        // PlainLineReader (TERM=dumb sessions) on the terminal: lines, then Ctrl-C.
        try await terminal.waitFor("plain> ")
        try terminal.send("typed line\r")
        try await terminal.waitFor("LINE[typed line]")
        try await terminal.waitFor("plain> ")
        try terminal.sendControl("c")
        try await terminal.waitFor("INTERRUPT")
        try await terminal.waitFor("plain> ")
        try terminal.sendControl("d")
        try await terminal.waitFor("EOF")
        #expect(try await terminal.waitForExit() == 0)
    }
}
