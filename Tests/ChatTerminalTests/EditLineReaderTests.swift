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
    ) throws -> PseudoTerminal {
        let terminal = try TerminalHelper.spawn(role: "editline", environment: environment, stdinPipe: stdinPipe)
        try terminal.waitFor("READY", timeout: .seconds(30))
        try terminal.waitFor("edit> ")
        return terminal
    }

    /// Types `keys` and expects `expected` as the helper's next report.
    private func type(_ keys: String, expect expected: String, on terminal: PseudoTerminal) throws {
        try terminal.send(keys)
        try terminal.waitFor(expected)
        try terminal.waitFor("edit> ")
    }

    @Test func returnsLinesIntactInUTF8WithoutALocaleInTheEnvironment() throws {
        let terminal = try startReader()
        try type("hello\r", expect: "LINE[hello]", on: terminal)
        try type("Привет, мир 👋🏽\r", expect: "LINE[Привет, мир 👋🏽]", on: terminal)
        try type("ça va? 日本語\r", expect: "LINE[ça va? 日本語]", on: terminal)
        try terminal.sendControl("d")
        try terminal.waitFor("EOF")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func lineEditingKeysWork() throws {
        let terminal = try startReader()
        // Ctrl-A to the start, Ctrl-K to kill the rest; Backspace over a Cyrillic letter.
        try type("wrong\u{01}\u{0B}right\r", expect: "LINE[right]", on: terminal)
        try type("Приветы\u{7F}\r", expect: "LINE[Привет]", on: terminal)
        try terminal.sendControl("d")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func controlCDropsTheLineAndPromptsAgain() throws {
        let terminal = try startReader()
        try terminal.send("half a line")
        try terminal.waitFor("half a line")
        try terminal.sendControl("c")
        try terminal.waitFor("^C")
        try terminal.waitFor("INTERRUPT")
        try terminal.waitFor("edit> ")
        try type("x\r", expect: "LINE[x]", on: terminal)  // not "half a linex"
        // Repeated Ctrl-C on an empty line keeps the reader alive.
        for _ in 0..<3 {
            try terminal.sendControl("c")
            try terminal.waitFor("INTERRUPT")
            try terminal.waitFor("edit> ")
        }
        try terminal.sendControl("d")
        try terminal.waitFor("EOF")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func controlDOnANonEmptyLineDoesNotEndInput() throws {
        let terminal = try startReader()
        try terminal.send("abc")
        try terminal.waitFor("abc")
        try terminal.sendControl("d")  // deletes under the cursor (nothing) instead
        try type("\r", expect: "LINE[abc]", on: terminal)
        try terminal.sendControl("d")
        try terminal.waitFor("EOF")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func tabCompletesCommandsAndModelIds() throws {
        let terminal = try startReader()
        try type("/he\t\r", expect: "LINE[/help ]", on: terminal)
        // Commands given without a slash complete with one.
        try type("/hi\t\r", expect: "LINE[/history ]", on: terminal)
        // Two matches (/model, /models): their common prefix.
        try type("/mo\t\r", expect: "LINE[/model]", on: terminal)
        try type("/model openai\t\r", expect: "LINE[/model openai/gpt-4o:free ]", on: terminal)
        try type("/model google/gemi\t\r", expect: "LINE[/model google/gemini-2.5-flash ]", on: terminal)
        try type("/model google/gem\t\r", expect: "LINE[/model google/gem]", on: terminal)
        // Not at the start of a line, or not a command: nothing is completed.
        try type("hello /mo\t\r", expect: "LINE[hello /mo]", on: terminal)
        try type("/help goo\t\r", expect: "LINE[/help goo]", on: terminal)
        try terminal.sendControl("d")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func historyIsPersistedPrivatelyWithoutBlanksOrRepeats() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let historyFile = directory.path + "/state/bankfuture-chat/history"
        let environment = ["HISTORY_FILE": historyFile]

        let first = try startReader(environment: environment)
        for line in ["first", "second", "second", "   ", "Привет 👋"] {
            try type(line + "\r", expect: "LINE[\(line)]", on: first)
        }
        try first.sendControl("d")
        #expect(try first.waitForExit() == 0)

        let attributes = try FileManager.default.attributesOfItem(atPath: historyFile)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let parent = try FileManager.default.attributesOfItem(atPath: directory.path + "/state/bankfuture-chat")
        #expect((parent[.posixPermissions] as? Int) == 0o700)

        // Up three times: Привет 👋, second, first (blank and repeated lines were not kept).
        let second = try startReader(environment: environment)
        try type(Self.up + "\r", expect: "LINE[Привет 👋]", on: second)
        try type(Self.up + Self.up + Self.up + "\r", expect: "LINE[first]", on: second)
        try second.sendControl("d")
        #expect(try second.waitForExit() == 0)
    }

    @Test func historyIsBounded() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let environment = ["HISTORY_FILE": directory.path + "/history", "HISTORY_LIMIT": "2"]
        let first = try startReader(environment: environment)
        for line in ["a", "b", "c"] {
            try type(line + "\r", expect: "LINE[\(line)]", on: first)
        }
        try first.sendControl("d")
        #expect(try first.waitForExit() == 0)

        let second = try startReader(environment: environment)
        try type(Self.up + Self.up + Self.up + "\r", expect: "LINE[b]", on: second)
        try second.sendControl("d")
        #expect(try second.waitForExit() == 0)
    }

    @Test func readsFromDevTTYWhileStandardInputIsAPipe() throws {
        let terminal = try TerminalHelper.spawn(
            role: "editline", environment: ["USE_TTY": "1", "READ_STDIN": "1"],
            stdinPipe: "You are terse.\nAnswer in Russian.\n")
        try terminal.waitFor("STDIN[You are terse.\r\nAnswer in Russian.\r\n]", timeout: .seconds(30))
        try terminal.waitFor("READY tty=true")
        try terminal.waitFor("edit> ")
        try type("Как дела?\r", expect: "LINE[Как дела?]", on: terminal)
        try terminal.sendControl("d")
        try terminal.waitFor("EOF")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func promptMovesToStandardOutputWhenStandardErrorIsNotATerminal() throws {
        let terminal = try TerminalHelper.spawn(role: "editline", discardStandardError: true)
        try terminal.waitFor("READY", timeout: .seconds(30))
        try terminal.waitFor("edit> ")
        try type("seen\r", expect: "LINE[seen]", on: terminal)
        try terminal.sendControl("d")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test func textTypedBeforeThePromptIsKept() throws {
        let terminal = try TerminalHelper.spawn(role: "editline", environment: ["DELAY_MS": "1500"])
        try terminal.send("typed early\r")
        try terminal.waitFor("READY", timeout: .seconds(30))
        try terminal.waitFor("LINE[typed early]")
        try terminal.sendControl("d")
        #expect(try terminal.waitForExit() == 0)
    }

    @Test(arguments: [SIGTERM, SIGHUP])
    func terminationRestoresTheTerminalAndExitsWith128PlusSignal(signal: Int32) throws {
        let terminal = try startReader(environment: ["TERMINATION_HANDLERS": "1"])
        try terminal.send("unfinished")
        try terminal.waitFor("unfinished")
        let editing = try terminal.lineDiscipline()
        #expect(editing.echo == false && editing.canonical == false)  // libedit's raw mode
        terminal.sendSignal(signal)
        #expect(try terminal.waitForExit() == 128 + signal)
        let after = try terminal.lineDiscipline()
        #expect(after.echo && after.canonical)
    }
}

/// InterruptMonitor and PlainLineReader with a real SIGINT from the terminal's Ctrl-C.
@Suite struct InterruptMonitorTests {
    @Test func flagWaitAndRealControlC() throws {
        let terminal = try TerminalHelper.spawn(role: "interrupt")
        try terminal.waitFor("SIMULATED consume=true again=false", timeout: .seconds(30))
        try terminal.waitFor("CANCELLED=true")
        try terminal.waitFor("WAITING")
        let pressed = ContinuousClock.now
        try terminal.sendControl("c")
        try terminal.waitFor("INTERRUPTED=true")
        // The chat loop cancels a streaming answer this way; it must feel immediate.
        #expect(ContinuousClock.now - pressed < .milliseconds(500))

        // PlainLineReader (TERM=dumb sessions) on the terminal: lines, then Ctrl-C.
        try terminal.waitFor("plain> ")
        try terminal.send("typed line\r")
        try terminal.waitFor("LINE[typed line]")
        try terminal.waitFor("plain> ")
        try terminal.sendControl("c")
        try terminal.waitFor("INTERRUPT")
        try terminal.waitFor("plain> ")
        try terminal.sendControl("d")
        try terminal.waitFor("EOF")
        #expect(try terminal.waitForExit() == 0)
    }
}
