import CSpawnShim
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process on pipes: started by ``ProcessSpawn`` (fresh signals, no other descriptor
/// of ours), its stdin and stdout on pipes, its stderr on a descriptor given (a log), in a
/// process group of its own (a Ctrl-C at the terminal goes to the chat, which decides what to
/// cancel, not to the child).
///
/// A thread blocks in `waitid` until the child exits, so its death is seen at once (no
/// polling) and whoever waits on it can give up instead of waiting forever; that thread also
/// reaps it, so no zombie is left. Signals go to the process group only while the child is
/// not reaped: a reaped pid may already belong to another process.
public final class ChildProcess: Sendable {
    /// The child's pid, which is also its process group.
    public let pid: pid_t
    /// Our end of the child's stdin.
    public let input: Int32
    /// Our end of the child's stdout.
    public let output: Int32

    /// Set, under the lock, in the same step as the reaping `waitpid`.
    private let reaped = Mutex(false)
    private let exit = OnceEvent<ProcessExit>()

    private init(pid: pid_t, input: Int32, output: Int32) {
        self.pid = pid
        self.input = input
        self.output = output
    }

    /// Starts `executable` (a path) with `arguments` and exactly `environment`; `stderr` is
    /// the descriptor its standard error is written to (it stays ours). `onExit` is called
    /// once, on the watching thread, when it has exited and been reaped.
    public static func spawn(
        executable: String, arguments: [String], environment: [String: String], stderr: Int32,
        onExit: @escaping @Sendable (ProcessExit) -> Void
    ) throws(SystemCallFailure) -> ChildProcess {
        let process = try start(executable: executable, arguments: arguments, environment: environment, stderr: stderr)
        do {
            try DetachedThread.start("the watcher of \(executable)") { process.watch(onExit: onExit) }
        } catch {
            // Unwatched, it could never be reaped: end it here.
            _ = kill(-process.pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(process.pid, &status, 0)
            close(process.input)
            close(process.output)
            throw error
        }
        return process
    }

    private static func start(
        executable: String, arguments: [String], environment: [String: String], stderr: Int32
    ) throws(SystemCallFailure) -> ChildProcess {
        var toChild: [Int32] = [-1, -1]
        var fromChild: [Int32] = [-1, -1]
        // Close-on-exec from the start: no other child can inherit our ends.
        guard bfchat_pipe_cloexec(&toChild) == 0 else { throw SystemCallFailure(call: "pipe2", subject: executable, errno: errno) }
        guard bfchat_pipe_cloexec(&fromChild) == 0 else {
            let saved = errno
            close(toChild[0])
            close(toChild[1])
            throw SystemCallFailure(call: "pipe2", subject: executable, errno: saved)
        }

        let pid: pid_t
        do {
            pid = try ProcessSpawn.start(
                executable: executable, arguments: arguments, environment: environment,
                streams: (.descriptor(toChild[0]), .descriptor(fromChild[1]), .descriptor(stderr)), ownProcessGroup: true)
        } catch {
            for end in toChild + fromChild { close(end) }
            throw error
        }
        // The child's ends belong to the child alone: while we hold them, its death is no EOF.
        close(toChild[0])
        close(fromChild[1])
        return ChildProcess(pid: pid, input: toChild[1], output: fromChild[0])
    }

    /// Sends `signal` to the child's process group (the child and what it started in that
    /// group), unless the child is already reaped.
    public func signal(_ signal: Int32) {
        reaped.withLock { reaped in
            guard !reaped else { return }
            _ = kill(-pid, signal)
        }
    }

    /// How the child ended, once it has; nil when the waiting task is cancelled first.
    public func exited() async -> ProcessExit? {
        await exit.wait()
    }

    /// How the child ended, if it has ended before `deadline` returns; else nil.
    public func exited(before deadline: @escaping @Sendable () async throws -> Void) async -> ProcessExit? {
        if let ended = exit.value { return ended }
        return await withTaskGroup(of: ProcessExit?.self) { group in
            group.addTask { await self.exited() }
            group.addTask {
                try? await deadline()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    /// Ends the child: SIGTERM to its group, then ``waitForExit(killingAfter:)``.
    public func terminate(before deadline: @escaping @Sendable () async throws -> Void) async {
        signal(SIGTERM)
        await waitForExit(killingAfter: deadline)
    }

    /// Gives the child until `deadline` returns to exit, then SIGKILL to its group; returns
    /// once it is reaped.
    public func waitForExit(killingAfter deadline: @escaping @Sendable () async throws -> Void) async {
        if await exited(before: deadline) == nil {
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
