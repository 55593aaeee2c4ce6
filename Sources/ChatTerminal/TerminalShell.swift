import ChatCore

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

    /// Runs the command with this process's standard streams (the terminal), SIGPIPE and
    /// SIGINT back to their defaults, and waits; the exit status, or 128 + signal.
    public func run(_ command: String) -> Int32? {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGINT)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let argv = [shellPath, "-c", command]
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for argument in cArgs { free(argument) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, shellPath, nil, &attributes, &cArgs, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // Ctrl-C during the command belonged to it.
        InterruptMonitor.consume()
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
