import ChatCore
import ChatStorage
import ChatTerminal
import Foundation
import TestSupport
import Testing

/// EditLineReader and the signal handlers need a real terminal and change process-wide
/// state (signal handlers, libedit's single editor), so their tests run them in a child
/// process on a pseudo-terminal. The child is this test binary, re-run with a filter
/// that selects only ``terminalHelper()``, which then plays the role chosen by the
/// `CHAT_TERMINAL_HELPER` environment variable and exits. In a normal test run it is
/// skipped.
enum TerminalHelper {
    static let variable = "CHAT_TERMINAL_HELPER"
    static var role: String? { ProcessInfo.processInfo.environment[variable] }

    /// Starts this test binary as a helper in `role` on a new pseudo-terminal.
    static func spawn(
        role: String, environment: [String: String] = [:], stdinPipe: String? = nil,
        discardStandardError: Bool = false
    ) async throws -> PseudoTerminal {
        var childEnvironment = [
            variable: role,
            "PATH": "/usr/bin:/bin",
            "HOME": NSTemporaryDirectory(),  // no ~/.editrc of the person running the tests
            "TERM": "xterm",
        ]
        // LANG and LC_* are left out on purpose: the reader must find a UTF-8 locale itself.
        childEnvironment.merge(environment) { _, new in new }
        let arguments = ["--testing-library", "swift-testing", "--filter", "terminalHelper"]
        if discardStandardError {
            return try await PseudoTerminal.spawn(
                executable: "/bin/sh", arguments: ["-c", "exec \"$@\" 2>/dev/null", "sh", testBinary()] + arguments,
                environment: childEnvironment, stdinPipe: stdinPipe)
        }
        return try await PseudoTerminal.spawn(
            executable: testBinary(), arguments: arguments, environment: childEnvironment, stdinPipe: stdinPipe)
    }

    private static func testBinary() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }
}

/// Writes a line to standard output at once (the terminal under test reads it).
private func say(_ text: String) {
    let line = text + "\n"
    line.utf8CString.withUnsafeBufferPointer { buffer in
        _ = write(1, buffer.baseAddress, buffer.count - 1)
    }
}

@Test(.enabled(if: TerminalHelper.role != nil, "runs only as a child of the pseudo-terminal tests"))
func terminalHelper() async throws {
    let environment = ProcessInfo.processInfo.environment
    switch TerminalHelper.role {
    case "editline":
        if environment["READ_STDIN"] != nil {
            let piped = FileHandle.standardInput.readDataToEndOfFile()
            say("STDIN[\(String(decoding: piped, as: UTF8.self))]")
        }
        if environment["WAIT_FOR_TYPEAHEAD"] != nil {
            // Until a typed line waits on the terminal (canonical mode: readable once Enter
            // is in), so the reader provably starts after it was typed.
            var typed = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            while poll(&typed, 1, -1) < 0 && errno == EINTR {}
        }
        if environment["TERMINATION_HANDLERS"] != nil {
            try TerminalState.installTerminationHandlers()
        }
        let limit = environment["HISTORY_LIMIT"].flatMap(Int.init) ?? EditLineReader.defaultHistoryLimit
        let reader = try EditLineReader(
            useTTY: environment["USE_TTY"] != nil,
            history: environment["HISTORY_FILE"].map { LineHistoryFile(path: $0, limit: limit) }, historyLimit: limit)
        reader.setCompletions(
            commands: ["/model", "/models", "/help", "history"],
            models: ["google/gemini-2.5-flash", "google/gemma-3-27b-it", "openai/gpt-4o:free"])
        say("READY tty=\(EditLineReader.canOpenTTY())")
        while true {
            switch reader.readLine(prompt: "edit> ") {
            case .line(let line):
                say("LINE[\(line)]")
                reader.remember(line)
            case .pasted(let text, let typedBefore):
                say("PASTED[\(text)] TYPED[\(typedBefore)]")
                reader.remember(text)
            case .interrupt:
                say("INTERRUPT")
            case .endOfFile:
                say("EOF")
                TerminalState.restore()
                exit(0)
            }
        }
    case "interrupt":
        try InterruptMonitor.install()
        InterruptMonitor.simulate()
        say("SIMULATED consume=\(InterruptMonitor.consume()) again=\(InterruptMonitor.consume())")
        let waiter = Task { await InterruptMonitor.waitForInterrupt() }
        waiter.cancel()
        say("CANCELLED=\(await waiter.value == false)")
        say("WAITING")
        let interrupted = await InterruptMonitor.waitForInterrupt()
        say("INTERRUPTED=\(interrupted)")
        let reader = PlainLineReader(showPrompt: true, promptFileDescriptor: 1)
        while true {
            switch reader.readLine(prompt: "plain> ") {
            case .line(let line): say("LINE[\(line)]")
            case .pasted(let text, _): say("PASTED[\(text)]")
            case .interrupt: say("INTERRUPT")
            case .endOfFile:
                say("EOF")
                exit(0)
            }
        }
    default:
        say("unknown helper role")
        exit(2)
    }
}
