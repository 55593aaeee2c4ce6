import CSpawnShim

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program run in the foreground of the terminal, waited for: the `-e` command, the
/// editor. It starts with the signals of a fresh process (none blocked, none ignored), so
/// Ctrl-C and a closed pipe act on it as they would from a shell, whatever the chat blocks
/// on its threads or ignores itself.
enum ForegroundProcess {
    /// Runs `argv` (its first element a path) with this process's environment and waits.
    /// With `streamsOnTerminal` its standard streams are `/dev/tty` (whatever ours are);
    /// else it shares ours. The exit status, or 128 + signal; nil when it could not start.
    static func run(_ argv: [String], streamsOnTerminal: Bool) -> Int32? {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if streamsOnTerminal {
            for fd: Int32 in [0, 1, 2] {
                posix_spawn_file_actions_addopen(&actions, fd, "/dev/tty", fd == 0 ? O_RDONLY : O_WRONLY, 0)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        guard bfchat_spawnattr_fresh_signals(&attributes, 0) == 0 else { return nil }
        var cArgs = argv.map { strdup($0) } + [nil]
        defer { for argument in cArgs { free(argument) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, argv[0], &actions, &attributes, &cArgs, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }
}
