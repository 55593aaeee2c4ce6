import CSpawnShim

#if canImport(Glibc)
import Glibc
#endif

/// The one way a child of ours starts — an MCP server, the tool host, the `-e` command, the
/// editor: `posix_spawn` with the signals of a fresh process (none blocked, none ignored: the
/// chat ignores SIGPIPE, a thread of ours may block signals), so Ctrl-C and a closed pipe act
/// on it as they would from a shell, and with no descriptor of ours but the three it is given
/// (a socket of the chat's HTTP client would otherwise live on in it and keep its
/// connection open).
public enum ProcessSpawn {
    /// Where one of the child's standard streams comes from.
    public enum Stream: Sendable, Equatable {
        /// Ours, as it is.
        case inherited
        /// This descriptor of ours, which stays ours.
        case descriptor(Int32)
        /// `path`, opened by the child with `flags`.
        case file(path: String, flags: Int32)
    }

    /// Starts `executable` (a path) with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: exactly these variables; nil, this process's own.
    ///   - streams: its stdin, stdout and stderr, in that order.
    ///   - ownProcessGroup: in a process group of its own, so a Ctrl-C at the terminal goes to
    ///     the chat, which decides what to cancel; else in ours, as a foreground command is.
    /// - Returns: its pid.
    public static func start(
        executable: String, arguments: [String], environment: [String: String]?,
        streams: (stdin: Stream, stdout: Stream, stderr: Stream), ownProcessGroup: Bool
    ) throws(SystemCallFailure) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (number, stream) in [streams.stdin, streams.stdout, streams.stderr].enumerated() {
            let result: Int32
            switch stream {
            case .inherited: continue
            case .descriptor(let descriptor): result = posix_spawn_file_actions_adddup2(&actions, descriptor, Int32(number))
            case .file(let path, let flags): result = posix_spawn_file_actions_addopen(&actions, Int32(number), path, flags, 0)
            }
            // Unchecked, a bad descriptor would leave the child with ours: the terminal.
            guard result == 0 else { throw SystemCallFailure(call: "posix_spawn_file_actions", subject: executable, errno: result) }
        }
        let closed = bfchat_spawn_close_from(&actions, 3)
        guard closed == 0 else { throw SystemCallFailure(call: "posix_spawn_file_actions", subject: executable, errno: closed) }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        if ownProcessGroup { posix_spawnattr_setpgroup(&attributes, 0) }
        let prepared = bfchat_spawnattr_fresh_signals(&attributes, ownProcessGroup ? Int16(POSIX_SPAWN_SETPGROUP) : 0)
        guard prepared == 0 else { throw SystemCallFailure(call: "posix_spawnattr", subject: executable, errno: prepared) }

        let argv = CStringArray([executable] + arguments)
        let envp = environment.map { CStringArray($0.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }) }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp?.pointers ?? environ)
        guard result == 0 else { throw SystemCallFailure(call: "posix_spawn", subject: executable, errno: result) }
        return pid
    }

    /// Runs `executable` in our process group with this process's environment, as a shell
    /// runs a command in the foreground (the `-e` command, the editor), and waits for it.
    public static func runInForeground(
        executable: String, arguments: [String], streams: (stdin: Stream, stdout: Stream, stderr: Stream)
    ) throws(SystemCallFailure) -> ProcessExit {
        let pid = try start(executable: executable, arguments: arguments, environment: nil, streams: streams, ownProcessGroup: false)
        var status: Int32 = 0
        var result: pid_t
        repeat {
            result = waitpid(pid, &status, 0)
        } while result < 0 && errno == EINTR
        return result == pid ? ProcessExit(waitStatus: status) : ProcessExit(.unknown)
    }
}
