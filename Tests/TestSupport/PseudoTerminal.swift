import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program on a pseudo-terminal, as a person at a terminal would, for end-to-end
/// tests of the REPL: type with ``send(_:)`` and ``sendControl(_:)``, expect with
/// ``waitFor(_:timeout:)``.
///
/// ``waitFor(_:timeout:)`` works like `expect`: each call searches only the output that
/// follows the previous match, so waiting twice for the same prompt waits for two
/// prompts. Matching ignores ANSI escape sequences (colours, cursor moves); ``output``
/// keeps them.
///
/// The child is a session leader whose controlling terminal is the pty, so `/dev/tty`,
/// job-control signals and Ctrl-C behave as in a real terminal.
public final class PseudoTerminal: @unchecked Sendable {
    // @unchecked: all mutable state is read and written only while `lock` is held.
    private let lock = NSLock()
    /// The child's process id.
    public let processID: pid_t
    private let master: Int32
    private var stdinPipe: Int32?
    private var pendingInput: [UInt8]
    private var rawOutput: [UInt8] = []
    /// Offset into the escape-free output where the next ``waitFor(_:timeout:)`` starts.
    private var searchStart = 0
    private var reachedEndOfOutput = false
    private var exitStatus: Int32? {
        didSet { if exitStatus != nil { releaseSlot() } }
    }
    /// The program's place among those running at once (see ``ProcessSlots``).
    private var slot: ProcessSlots.Slot?

    private init(processID: pid_t, master: Int32, stdinPipe: Int32?, pendingInput: [UInt8]) {
        self.processID = processID
        self.master = master
        self.stdinPipe = stdinPipe
        self.pendingInput = pendingInput
    }

    deinit {
        if exitStatus == nil {
            kill(-processID, SIGKILL)  // the child leads its own process group
            var status: Int32 = 0
            while waitpid(processID, &status, 0) == -1 && errno == EINTR {}
        }
        close(master)
        if let stdinPipe { close(stdinPipe) }
        releaseSlot()
    }

    private func releaseSlot() {
        if let slot { ProcessSlots.shared.releaseLater(slot) }
        slot = nil
    }

    /// Starts `executable` on a new pseudo-terminal of `columns` × `rows`.
    ///
    /// - Parameters:
    ///   - executable: a path, or a name looked up in `PATH`.
    ///   - arguments: arguments after the program name.
    ///   - environment: the child's whole environment; `TERM=xterm` is added when it has
    ///     no `TERM`.
    ///   - stdinPipe: when not nil, standard input is a pipe that delivers this text and
    ///     then EOF, while `/dev/tty` (and standard output and error) stay the terminal:
    ///     `cat prompt.txt | app` typed at a terminal.
    public static func spawn(
        executable: String, arguments: [String] = [], environment: [String: String] = [:],
        stdinPipe: String? = nil, columns: Int = 100, rows: Int = 30
    ) async throws -> PseudoTerminal {
        let slot = await ProcessSlots.shared.acquire()
        do {
            let terminal = try spawnNow(
                executable: executable, arguments: arguments, environment: environment, stdinPipe: stdinPipe, columns: columns,
                rows: rows)
            terminal.lock.withLock {
                // A program that ended already gives the slot back at once.
                if terminal.exitStatus == nil { terminal.slot = slot } else { ProcessSlots.shared.releaseLater(slot) }
            }
            return terminal
        } catch {
            await ProcessSlots.shared.release(slot)
            throw error
        }
    }

    private static func spawnNow(
        executable: String, arguments: [String], environment: [String: String], stdinPipe: String?, columns: Int, rows: Int
    ) throws -> PseudoTerminal {
        SpawnPlumbing.ignoreBrokenPipe
        var environment = environment
        if environment["TERM"] == nil {
            environment["TERM"] = "xterm"
        }
        let path = try SpawnPlumbing.resolve(executable, environment: environment)

        // Everything the child needs is prepared before fork: between fork and exec only
        // async-signal-safe calls are allowed (the test runner has many threads).
        let argv = SpawnPlumbing.cStrings([executable] + arguments)
        let envp = SpawnPlumbing.cStrings(SpawnPlumbing.environmentStrings(environment))
        let pathCString = strdup(path)!
        defer {
            SpawnPlumbing.freeCStrings(argv)
            SpawnPlumbing.freeCStrings(envp)
            free(pathCString)
        }
        var signalsToReset = SpawnPlumbing.signalsToReset
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)

        SpawnPlumbing.spawnLock.lock()
        defer { SpawnPlumbing.spawnLock.unlock() }

        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: UInt16(clamping: rows), ws_col: UInt16(clamping: columns), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw TestProcessError("openpty: \(String(cString: strerror(errno)))")
        }
        SpawnPlumbing.setCloseOnExec(master)
        SpawnPlumbing.setCloseOnExec(slave)
        var pipe: (read: Int32, write: Int32)?
        if stdinPipe != nil {
            do {
                pipe = try SpawnPlumbing.makePipe()
            } catch {
                close(master)
                close(slave)
                throw error
            }
        }
        let pipeRead = pipe?.read ?? -1

        let pid = fork()
        if pid == 0 {
            // Child: async-signal-safe calls only.
            for index in signalsToReset.indices {
                signal(signalsToReset[index], SIG_DFL)
            }
            sigprocmask(SIG_SETMASK, &emptyMask, nil)
            // New session with the pty as controlling terminal and as fds 0, 1, 2.
            if login_tty(slave) != 0 {
                _exit(126)
            }
            if pipeRead >= 0 && dup2(pipeRead, 0) < 0 {
                _exit(126)
            }
            execve(pathCString, argv, envp)
            _exit(127)
        }
        signalsToReset.removeAll()  // keeps the array alive until after fork
        close(slave)
        if let pipe { close(pipe.read) }
        guard pid > 0 else {
            let code = errno
            close(master)
            if let pipe { close(pipe.write) }
            throw TestProcessError("fork: \(String(cString: strerror(code)))")
        }
        SpawnPlumbing.setNonBlocking(master)
        if let pipe { SpawnPlumbing.setNonBlocking(pipe.write) }
        let terminal = PseudoTerminal(
            processID: pid, master: master, stdinPipe: pipe?.write, pendingInput: Array((stdinPipe ?? "").utf8))
        terminal.lock.lock()
        terminal.feedStandardInput()
        terminal.lock.unlock()
        return terminal
    }

    // MARK: Typing

    /// Types `text` (UTF-8) on the terminal. A newline is Enter.
    public func send(_ text: String) throws {
        try send(bytes: Array(text.utf8))
    }

    /// Types a control character: `"c"` is Ctrl-C (0x03), `"d"` Ctrl-D (0x04),
    /// `"["` Escape.
    public func sendControl(_ character: Character) throws {
        guard let ascii = character.uppercased().first?.asciiValue, ascii >= 0x40, ascii < 0x60 else {
            throw TestProcessError("no control character for \(character)")
        }
        try send(bytes: [ascii & 0x1f])
    }

    /// Writes raw bytes to the terminal (escape sequences for arrow keys and the like).
    public func send(bytes: [UInt8]) throws {
        lock.lock()
        defer { lock.unlock() }
        var written = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(master, $0.baseAddress! + written, $0.count - written) }
            if count > 0 {
                written += count
                continue
            }
            guard count < 0, errno == EAGAIN || errno == EINTR else {
                throw TestProcessError("cannot write to the terminal: \(String(cString: strerror(errno)))")
            }
            // The child is not reading and the pty's buffer is full: keep draining its
            // output (it may be blocked on writing) while waiting.
            guard SpawnPlumbing.millisecondsLeft(until: deadline) > 0 else {
                throw TestProcessError("the program did not read its input within 10 s\n" + transcript())
            }
            pump(timeoutMilliseconds: 10, forWriting: true)
        }
    }

    // MARK: Reading

    /// Waits until `substring` appears in the output after the previous match, and
    /// returns the text from there up to the end of the match (escape sequences
    /// removed).
    ///
    /// - Throws: ``TestProcessError`` with the output so far when `timeout` passes or the
    ///   program ends without printing `substring`.
    @discardableResult
    public func waitFor(_ substring: String, timeout: Duration = .seconds(10)) async throws -> String {
        try await OffPool.run { try self.waitForBlocking(substring, timeout: timeout) }
    }

    private func waitForBlocking(_ substring: String, timeout: Duration) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        let needle = Array(substring.utf8)
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = Self.stripEscapeSequences(rawOutput)
            if let range = Self.find(needle, in: text, from: searchStart) {
                let result = Self.decode(text[searchStart..<range.upperBound])
                searchStart = range.upperBound
                return result
            }
            if reachedEndOfOutput {
                throw TestProcessError("the program ended without printing \(String(reflecting: substring))\n" + transcript())
            }
            let left = SpawnPlumbing.millisecondsLeft(until: deadline)
            if left == 0 {
                throw TestProcessError(
                    "timed out after \(timeout) waiting for \(String(reflecting: substring))\n" + transcript())
            }
            pump(timeoutMilliseconds: min(left, 50))
        }
    }

    /// Everything the program wrote so far, escape sequences included.
    public var output: String {
        lock.lock()
        defer { lock.unlock() }
        pump(timeoutMilliseconds: 0)
        return Self.decode(rawOutput[...])
    }

    /// Everything the program wrote so far, escape sequences removed.
    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        pump(timeoutMilliseconds: 0)
        return Self.decode(Self.stripEscapeSequences(rawOutput)[...])
    }

    // MARK: Terminal mode

    /// The terminal's current line discipline: whether it echoes what is typed and
    /// whether it is line-buffered ("canonical"). A shell expects both on; a line editor
    /// turns both off while it edits, so this shows whether a program restored them.
    public func lineDiscipline() throws -> (echo: Bool, canonical: Bool) {
        lock.lock()
        defer { lock.unlock() }
        var attributes = termios()
        guard tcgetattr(master, &attributes) == 0 else {
            throw TestProcessError("tcgetattr: \(String(cString: strerror(errno)))")
        }
        return (attributes.c_lflag & tcflag_t(ECHO) != 0, attributes.c_lflag & tcflag_t(ICANON) != 0)
    }

    // MARK: Ending

    /// Waits for the program to exit, reading its output meanwhile.
    /// - Returns: its exit status, or 128 + signal number when a signal ended it.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> Int32 {
        try await OffPool.run { try self.waitForExitBlocking(timeout: timeout) }
    }

    private func waitForExitBlocking(timeout: Duration) throws -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = reap() {
                drainAfterExit()
                return status
            }
            let left = SpawnPlumbing.millisecondsLeft(until: deadline)
            if left == 0 {
                throw TestProcessError("the program did not exit within \(timeout)\n" + transcript())
            }
            // A child that exited leaves the pty readable (EOF), so poll returns at once;
            // sleep a little then instead of spinning.
            if reachedEndOfOutput {
                usleep(2_000)
            } else {
                pump(timeoutMilliseconds: min(left, 20))
            }
        }
    }

    /// Sends `signal` to the program.
    public func sendSignal(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if exitStatus == nil {
            kill(processID, signal)
        }
    }

    /// Ends the program: SIGTERM to its process group, SIGKILL after one second.
    /// - Returns: its exit status.
    @discardableResult
    public func terminate() -> Int32 {
        lock.lock()
        defer { lock.unlock() }
        if let exitStatus { return exitStatus }
        kill(-processID, SIGTERM)
        let deadline = ContinuousClock.now + .seconds(1)
        while SpawnPlumbing.millisecondsLeft(until: deadline) > 0 {
            if let status = reap() { return status }
            pump(timeoutMilliseconds: 10)
            if reachedEndOfOutput { usleep(2_000) }
        }
        kill(-processID, SIGKILL)
        var status: Int32 = 0
        while waitpid(processID, &status, 0) == -1 && errno == EINTR {}
        let code = SpawnPlumbing.exitCode(fromWaitStatus: status)
        exitStatus = code
        return code
    }

    // MARK: Escape sequences

    /// `text` without ANSI escape sequences (CSI such as colours and cursor moves, OSC
    /// such as titles, and two-byte escapes) and without the bell.
    public static func stripANSI(_ text: String) -> String {
        decode(stripEscapeSequences(Array(text.utf8))[...])
    }

    /// Removes escape sequences from raw bytes. An incomplete sequence at the end is
    /// dropped, so stripping a prefix of the output yields a prefix of the result.
    static func stripEscapeSequences(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x07 {
                index += 1
                continue
            }
            guard byte == 0x1B else {
                result.append(byte)
                index += 1
                continue
            }
            guard index + 1 < bytes.count else { break }
            let kind = bytes[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "["):
                // Parameters and intermediates, then one final byte in 0x40...0x7E.
                while index < bytes.count && !(0x40...0x7E).contains(bytes[index]) {
                    index += 1
                }
                index += 1
            case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"):
                // String sequences end with BEL or ESC \.
                while index < bytes.count {
                    if bytes[index] == 0x07 {
                        index += 1
                        break
                    }
                    if bytes[index] == 0x1B && index + 1 < bytes.count && bytes[index + 1] == UInt8(ascii: "\\") {
                        index += 2
                        break
                    }
                    index += 1
                }
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"), UInt8(ascii: "+"):
                index += 1  // character set selection: one more byte
            default:
                break  // two-byte sequence such as ESC = or ESC 7
            }
        }
        return result
    }

    // MARK: Internals (called with `lock` held)

    /// Reads what is available (waiting up to `timeoutMilliseconds` for something) and
    /// feeds pending standard input.
    private func pump(timeoutMilliseconds: Int32, forWriting: Bool = false) {
        feedStandardInput()
        guard !reachedEndOfOutput else { return }
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
        if let stdinPipe, !pendingInput.isEmpty {
            fds.append(pollfd(fd: stdinPipe, events: Int16(POLLOUT), revents: 0))
        }
        if forWriting {
            fds[0].events |= Int16(POLLOUT)
        }
        let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        guard ready > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count > 0 {
                rawOutput.append(contentsOf: buffer[0..<count])
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) {
                break
            }
            // 0, or EIO on Linux: every copy of the terminal's other side is closed.
            reachedEndOfOutput = true
            break
        }
        feedStandardInput()
    }

    private func feedStandardInput() {
        guard let descriptor = stdinPipe else { return }
        while !pendingInput.isEmpty {
            let count = pendingInput.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count > 0 {
                pendingInput.removeFirst(count)
            } else if count < 0 && errno == EINTR {
                continue
            } else if count < 0 && errno == EAGAIN {
                return
            } else {
                break  // the child closed its standard input
            }
        }
        close(descriptor)  // EOF after the text
        stdinPipe = nil
        pendingInput = []
    }

    private func reap() -> Int32? {
        if let exitStatus { return exitStatus }
        guard let status = SpawnPlumbing.reapIfExited(processID) else { return nil }
        exitStatus = status
        return status
    }

    /// After exit, collects what is still buffered in the pty.
    private func drainAfterExit() {
        var rounds = 0
        while !reachedEndOfOutput && rounds < 20 {
            pump(timeoutMilliseconds: 5)
            rounds += 1
        }
    }

    private func transcript() -> String {
        "--- output so far (escape sequences removed) ---\n" + Self.decode(Self.stripEscapeSequences(rawOutput)[...])
            + "\n--- end of output ---"
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty else { return start..<start }
        guard haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        for offset in start...(haystack.count - needle.count) where haystack[offset] == needle[0] {
            if haystack[offset..<(offset + needle.count)].elementsEqual(needle) {
                return offset..<(offset + needle.count)
            }
        }
        return nil
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) -> String {
        String(decoding: bytes, as: UTF8.self)
    }
}
