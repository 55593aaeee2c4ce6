import CSpawnShim
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A stdio server's child process: started with `posix_spawn`, its stdin and stdout on pipes,
/// its stderr on its log, in a process group of its own (a Ctrl-C at the terminal goes to the
/// chat, which cancels the call, not to the server). It inherits no other descriptor of ours.
///
/// A thread blocks in `waitid` until the child exits, so its death is seen at once (no
/// polling) and pending calls can fail instead of waiting forever; that thread also reaps it,
/// so no zombie is left. Signals go to the process group only while the child is not reaped:
/// a reaped pid may already belong to another process.
final class ServerProcess: Sendable {
    let pid: pid_t
    /// Our end of the child's stdin.
    let input: Int32
    /// Our end of the child's stdout.
    let output: Int32

    /// Set, under the lock, in the same step as the reaping `waitpid`.
    private let reaped = Mutex(false)
    private let exit = OnceEvent<ProcessExit>()

    /// Signals ignored or caught here (SIGPIPE is ignored by the chat) get their default back in
    /// the child: an ignored signal would stay ignored across `exec`.
    private static let signalsToReset: [Int32] = [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD]

    private init(pid: pid_t, input: Int32, output: Int32) {
        self.pid = pid
        self.input = input
        self.output = output
    }

    /// Starts `executable` (a path) with `arguments` and exactly `environment`; `stderr` is
    /// the descriptor its standard error is written to. `onExit` is called once, on the
    /// watching thread, when it has exited and been reaped.
    static func spawn(
        executable: String, arguments: [String], environment: [String: String], stderr: Int32,
        onExit: @escaping @Sendable (ProcessExit) -> Void
    ) throws(ToolServerFailure) -> ServerProcess {
        let process = try start(executable: executable, arguments: arguments, environment: environment, stderr: stderr)
        let watcher = Thread { process.watch(onExit: onExit) }
        watcher.stackSize = 256 * 1024
        watcher.start()
        return process
    }

    private static func start(
        executable: String, arguments: [String], environment: [String: String], stderr: Int32
    ) throws(ToolServerFailure) -> ServerProcess {
        var toChild: [Int32] = [-1, -1]
        var fromChild: [Int32] = [-1, -1]
        // Close-on-exec from the start: no other child can inherit our ends.
        guard bfchat_pipe_cloexec(&toChild) == 0 else { throw .system("pipe2", subject: executable, errno: errno) }
        guard bfchat_pipe_cloexec(&fromChild) == 0 else {
            let saved = errno
            close(toChild[0])
            close(toChild[1])
            throw .system("pipe2", subject: executable, errno: saved)
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Nothing else: a descriptor of ours without close-on-exec (a socket of the chat's
        // HTTP client, say) would otherwise live on in the server and keep its connection open.
        _ = bfchat_spawn_close_from(&actions, 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in signalsToReset { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        // A thread of ours may block signals; the child starts with none blocked.
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv = CStringArray([executable] + arguments)
        let envp = CStringArray(environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv.pointers, envp.pointers)
        // The child's ends belong to the child alone: while we hold them, its death is no EOF.
        close(toChild[0])
        close(fromChild[1])
        guard result == 0 else {
            close(toChild[1])
            close(fromChild[0])
            throw .system("posix_spawn", subject: executable, errno: result)
        }
        return ServerProcess(pid: pid, input: toChild[1], output: fromChild[0])
    }

    /// Sends `signal` to the child's process group (the server and what it started), unless
    /// the child is already reaped.
    func signal(_ signal: Int32) {
        reaped.withLock { reaped in
            guard !reaped else { return }
            _ = kill(-pid, signal)
        }
    }

    /// How the child ended, once it has; nil when the waiting task is cancelled first.
    func exited() async -> ProcessExit? {
        await exit.wait()
    }

    /// Ends the child: SIGTERM to its group, SIGKILL after `grace` if it is still there, and
    /// returns once it is reaped.
    func terminate(grace: Duration, timer: ToolTimer) async {
        signal(SIGTERM)
        let deadline = timer.deadline(after: grace)
        let exitedInTime = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.exited() != nil }
            group.addTask {
                try? await deadline()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !exitedInTime {
            signal(SIGKILL)
            _ = await exited()
        }
    }

    /// The watching thread: waits without reaping, then reaps under the lock, so `signal`
    /// never reaches a pid that was handed on.
    private func watch(onExit: @Sendable (ProcessExit) -> Void) {
        var info = siginfo_t()
        var result: Int32
        repeat {
            result = waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT)
        } while result != 0 && errno == EINTR
        let ended = reaped.withLock { reaped in
            var status: Int32 = 0
            let collected = result == 0 && waitpid(pid, &status, 0) == pid
            reaped = true
            return ProcessExit(collected ? ProcessExit(waitStatus: status).kind : .unknown)
        }
        exit.fire(ended)
        onExit(ended)
    }
}

/// A NULL-terminated array of C strings for `posix_spawn`, freed with the value.
private final class CStringArray {
    let pointers: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>
    private let count: Int

    init(_ strings: [String]) {
        count = strings.count
        pointers = .allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() { pointers[index] = strdup(string) }
        pointers[strings.count] = nil
    }

    deinit {
        for index in 0..<count { free(pointers[index]) }
        pointers.deallocate()
    }
}
