import ChatCore
import ChatProcess

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `-e` and `/exec` on the terminal: one-key questions, the command run in `$SHELL -c` with
/// the terminal handed over, the clipboard.
public struct TerminalShell: ShellServices {
    public let environment: [String: String]

    public init(environment: [String: String]) {
        self.environment = environment
    }

    /// The shell named by `$SHELL`, else `/bin/sh`.
    public var shellPath: String {
        let shell = environment["SHELL"]?.trimmingWhitespace() ?? ""
        return shell.isEmpty ? "/bin/sh" : shell
    }

    public func ask(_ question: String) -> Character? {
        KeyPrompt.ask(question)
    }

    public func copy(_ text: String) -> Bool {
        Clipboard.copy(text, environment: environment)
    }

    /// The size of the terminal the command is shown on (standard output, else standard input).
    public var screenSize: ScreenSize? {
        for fd: Int32 in [1, 0] {
            var size = winsize()
            if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 {
                return ScreenSize(rows: Int(size.ws_row), columns: Int(size.ws_col))
            }
        }
        return nil
    }

    /// Runs the command with this process's standard streams (the terminal) and waits, in
    /// the foreground as from a shell (``ProcessSpawn``); the exit status, or 128 + signal;
    /// nil when it could not start.
    public func run(_ command: String) -> Int32? {
        let exit = try? ProcessSpawn.runInForeground(
            executable: shellPath, arguments: ["-c", command], streams: (.inherited, .inherited, .inherited))
        let status = exit?.shellStatus
        // Ctrl-C during the command belonged to it.
        InterruptMonitor.consume()
        return status
    }
}
