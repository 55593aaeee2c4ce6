import Foundation
import TestSupport
import Testing

@Suite struct PseudoTerminalTests {
    @Test func catEchoesTypedLinesAndEndsOnControlD() async throws {
        let terminal = try await PseudoTerminal.spawn(executable: "/bin/cat", environment: shellEnvironment)
        try terminal.send("hello pty\n")
        // The terminal echoes the typed line, then cat prints it: two copies.
        try await terminal.waitFor("hello pty")
        try await terminal.waitFor("hello pty")
        try terminal.sendControl("d")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func readsWhatTheProgramPrintsAndItsExitStatus() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh", arguments: ["-c", "read x; echo got:$x; exit 3"], environment: shellEnvironment)
        try terminal.send("Привет 👋\n")
        let text = try await terminal.waitFor("got:Привет 👋")
        #expect(text.hasSuffix("got:Привет 👋"))
        #expect(try await terminal.waitForExit() == 3)
        #expect(terminal.output.contains("got:Привет 👋\r\n"))  // the terminal's own newline
    }

    @Test func programsSeeATerminalOfTheRequestedSize() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh", arguments: ["-c", "test -t 0 && test -t 1 && stty size"],
            environment: shellEnvironment, columns: 77, rows: 22)
        try await terminal.waitFor("22 77")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func eachWaitSearchesAfterThePreviousMatch() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh", arguments: ["-c", "echo '> one'; read x; echo '> two'; read y"],
            environment: shellEnvironment)
        try await terminal.waitFor("> ")
        try terminal.send("a\n")
        // The second wait for the same prompt must not be satisfied by the first one.
        #expect(try await terminal.waitFor("> ").isEmpty == false)
        #expect(terminal.text.contains("> two"))
        try terminal.send("b\n")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func controlCInterruptsTheForegroundProgram() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh", arguments: ["-c", "echo ready; exec sleep 30"], environment: shellEnvironment)
        try await terminal.waitFor("ready")
        try terminal.sendControl("c")
        #expect(try await terminal.waitForExit(timeout: .seconds(5)) == 128 + SIGINT)
    }

    @Test func timeoutErrorCarriesTheOutputSoFar() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh", arguments: ["-c", "echo partial output; sleep 30"], environment: shellEnvironment)
        do {
            try await terminal.waitFor("never printed", timeout: .milliseconds(300))
            Issue.record("waitFor did not time out")
        } catch let error as TestProcessError {
            #expect(error.message.contains("never printed"))
            #expect(error.message.contains("partial output"))
        }
        #expect(terminal.terminate() == 128 + SIGTERM)
    }

    @Test func waitingForOutputOfAnExitedProgramFailsAtOnce() async throws {
        let terminal = try await PseudoTerminal.spawn(executable: "/bin/echo", arguments: ["bye"], environment: shellEnvironment)
        // The end of the output ends the wait (not the timeout, which would say "timed out").
        let error = await #expect(throws: TestProcessError.self) { try await terminal.waitFor("hello", timeout: .seconds(600)) }
        #expect(error?.message.hasPrefix("the program ended without printing \"hello\"") == true, "\(String(describing: error))")
        #expect(try await terminal.waitForExit() == 0)
        #expect(terminal.text.contains("bye"))
    }

    @Test func stdinPipeFeedsStandardInputWhileDevTTYStaysTheTerminal() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh", arguments: ["-c", "cat; read x </dev/tty; echo tty:$x"],
            environment: shellEnvironment, stdinPipe: "piped system prompt\nsecond line\n")
        try await terminal.waitFor("piped system prompt")
        try await terminal.waitFor("second line")
        try terminal.send("typed\n")
        try await terminal.waitFor("tty:typed")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func stdinPipeIsNotATerminal() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh",
            arguments: ["-c", "if test -t 0; then echo stdin:tty; else echo stdin:pipe; fi; test -t 1 && echo stdout:tty"],
            environment: shellEnvironment, stdinPipe: "")
        try await terminal.waitFor("stdin:pipe")
        try await terminal.waitFor("stdout:tty")
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func childrenDoNotInheritIgnoredSIGPIPE() async throws {
        let terminal = try await PseudoTerminal.spawn(executable: "/bin/grep", arguments: ["SigIgn", "/proc/self/status"])
        #expect(try await terminal.waitForExit() == 0)
        let mask = ignoredSignals(terminal.text)
        #expect(mask & (1 << (SIGPIPE - 1)) == 0 && mask & (1 << (SIGINT - 1)) == 0, "SigIgn \(String(mask, radix: 16))")
    }

    @Test func environmentIsExactlyWhatWasGivenPlusTERM() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/usr/bin/env", environment: ["ONLY_THIS": "yes"])
        #expect(try await terminal.waitForExit() == 0)
        let lines = Set(terminal.text.split(separator: "\r\n").map(String.init))
        #expect(lines == ["ONLY_THIS=yes", "TERM=xterm"])
    }

    @Test func signalsAndTermination() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/bin/sh", arguments: ["-c", "echo up; exec sleep 30"], environment: shellEnvironment)
        try await terminal.waitFor("up")
        terminal.sendSignal(SIGHUP)
        #expect(try await terminal.waitForExit() == 128 + SIGHUP)
        #expect(terminal.terminate() == 128 + SIGHUP)  // already ended: the same status
    }

    @Test func stripsEscapeSequences() {
        let colored = "\u{1B}[2m[model · 1 in]\u{1B}[0m\r\u{1B}[K\u{1B}]0;title\u{07}ok\u{07}\u{1B}(B!"
        #expect(PseudoTerminal.stripANSI(colored) == "[model · 1 in]\rok!")
    }

    @Test func waitForMatchesAcrossColorCodes() async throws {
        let terminal = try await PseudoTerminal.spawn(
            executable: "/usr/bin/printf", arguments: ["\\033[31merror:\\033[0m bad\\n"], environment: shellEnvironment)
        try await terminal.waitFor("error: bad")
        #expect(terminal.output.contains("\u{1B}[31m"))
        #expect(try await terminal.waitForExit() == 0)
    }

    @Test func missingExecutableIsAnError() async {
        await #expect(throws: TestProcessError.self) {
            _ = try await PseudoTerminal.spawn(executable: "no-such-program-here", environment: shellEnvironment)
        }
    }
}
