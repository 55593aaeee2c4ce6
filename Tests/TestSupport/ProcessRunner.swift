#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with pipes for its standard streams, for one-shot
/// end-to-end tests (`bankfuture-chat "question"`).
public enum ProcessRunner {
    /// Runs `executable` and collects everything it writes.
    ///
    /// Input is written and both outputs are read in one `poll` loop, so a child that
    /// fills one pipe while the test waits on another cannot deadlock.
    ///
    /// - Parameters:
    ///   - executable: a path, or a name looked up in `PATH`.
    ///   - arguments: arguments after the program name.
    ///   - environment: the child's whole environment (nothing is inherited).
    ///   - stdin: bytes for standard input, then EOF; `nil` connects `/dev/null`.
    ///   - timeout: the child is killed (SIGKILL) and an error thrown after this long.
    /// - Returns: the exit status (128 + signal when killed by a signal) and the output. How
    ///   long it ran is not told: tests check events, not durations (`make bench` measures).
    public static func run(
        executable: String, arguments: [String] = [], environment: [String: String] = [:],
        stdin: [UInt8]? = nil, timeout: Duration = .seconds(30)
    ) async throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        let slot = await ProcessSlots.shared.acquire()
        defer { ProcessSlots.shared.releaseLater(slot) }
        return try await OffPool.run {
            try runBlocking(executable: executable, arguments: arguments, environment: environment, stdin: stdin, timeout: timeout)
        }
    }

    private static func runBlocking(
        executable: String, arguments: [String], environment: [String: String], stdin: [UInt8]?, timeout: Duration
    ) throws -> (status: Int32, stdout: [UInt8], stderr: [UInt8]) {
        SpawnPlumbing.ignoreBrokenPipe
        let path = try SpawnPlumbing.resolve(executable, environment: environment)
        // The timeout counts from here, not from the call: the wait for a slot is not the program's.
        let deadline = ContinuousClock.now + timeout

        let (pid, input, output, errors) = try spawn(
            path: path, arguments: [executable] + arguments, environment: environment, feedsInput: stdin != nil)

        var pending = stdin ?? []
        var written = 0
        var inputDescriptor = input
        var outputDescriptor: Int32? = output
        var errorDescriptor: Int32? = errors
        var collectedOutput: [UInt8] = []
        var collectedErrors: [UInt8] = []
        defer {
            if let inputDescriptor { close(inputDescriptor) }
            if let outputDescriptor { close(outputDescriptor) }
            if let errorDescriptor { close(errorDescriptor) }
        }
        if let descriptor = inputDescriptor, pending.isEmpty {
            close(descriptor)
            inputDescriptor = nil
        }

        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while outputDescriptor != nil || errorDescriptor != nil {
            var fds: [pollfd] = []
            if let descriptor = inputDescriptor { fds.append(pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)) }
            if let descriptor = outputDescriptor { fds.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)) }
            if let descriptor = errorDescriptor { fds.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), SpawnPlumbing.millisecondsLeft(until: deadline))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 {
                kill(pid, SIGKILL)
                _ = waitForExit(pid)
                throw TestProcessError(
                    "\(executable) did not finish within \(timeout)\n--- stdout ---\n"
                        + String(decoding: collectedOutput, as: UTF8.self) + "\n--- stderr ---\n"
                        + String(decoding: collectedErrors, as: UTF8.self))
            }
            for entry in fds where entry.revents != 0 {
                if entry.fd == inputDescriptor {
                    let count = pending.withUnsafeBytes { bytes in
                        write(entry.fd, bytes.baseAddress! + written, bytes.count - written)
                    }
                    if count > 0 { written += count }
                    if (count < 0 && errno != EAGAIN && errno != EINTR) || written == pending.count {
                        close(entry.fd)  // finished, or the child closed its end (EPIPE)
                        inputDescriptor = nil
                        pending = []
                    }
                    continue
                }
                let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    if entry.fd == outputDescriptor {
                        collectedOutput.append(contentsOf: buffer[0..<count])
                    } else {
                        collectedErrors.append(contentsOf: buffer[0..<count])
                    }
                } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                    close(entry.fd)
                    if entry.fd == outputDescriptor { outputDescriptor = nil } else { errorDescriptor = nil }
                }
            }
        }
        // Both outputs are closed; the child is exiting (or has detached its streams).
        while true {
            if let status = SpawnPlumbing.reapIfExited(pid) {
                return (status, collectedOutput, collectedErrors)
            }
            if SpawnPlumbing.millisecondsLeft(until: deadline) == 0 {
                kill(pid, SIGKILL)
                _ = waitForExit(pid)
                throw TestProcessError("\(executable) closed its output but did not exit within \(timeout)")
            }
            usleep(2_000)
        }
    }

    private static func spawn(
        path: String, arguments: [String], environment: [String: String], feedsInput: Bool
    ) throws -> (pid: pid_t, input: Int32?, output: Int32, errors: Int32) {
        let argv = SpawnPlumbing.cStrings(arguments)
        let envp = SpawnPlumbing.cStrings(SpawnPlumbing.environmentStrings(environment))
        defer {
            SpawnPlumbing.freeCStrings(argv)
            SpawnPlumbing.freeCStrings(envp)
        }

        SpawnPlumbing.spawnLock.lock()
        defer { SpawnPlumbing.spawnLock.unlock() }
        let input = feedsInput ? try SpawnPlumbing.makePipe() : nil
        let output = try SpawnPlumbing.makePipe()
        let errors = try SpawnPlumbing.makePipe()

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        // dup2 clears close-on-exec on the copies; the originals close on exec.
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errors.write, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in SpawnPlumbing.signalsToReset { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        // The parent keeps only its ends.
        if let input { close(input.read) }
        close(output.write)
        close(errors.write)
        guard result == 0 else {
            if let input { close(input.write) }
            close(output.read)
            close(errors.read)
            throw TestProcessError("cannot start \(path): \(String(cString: strerror(result)))")
        }
        if let input { SpawnPlumbing.setNonBlocking(input.write) }
        return (pid, input?.write, output.read, errors.read)
    }

    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return SpawnPlumbing.exitCode(fromWaitStatus: status)
    }
}
