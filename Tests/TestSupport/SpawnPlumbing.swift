import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A failure of a test helper, with everything the child printed so far.
public struct TestProcessError: Error, CustomStringConvertible {
    /// What went wrong, then the output collected so far.
    public let message: String

    /// Creates an error carrying `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}

/// The spawning plumbing under ``PseudoTerminal`` and ``ProcessRunner`` (not a process: the
/// lock held while a child is started, pipes, C strings, PATH lookup, wait statuses).
enum SpawnPlumbing {
    /// Held while descriptors for a child are created and the child is started. Every
    /// descriptor is close-on-exec, but `pipe`/`openpty` set that flag in a second step;
    /// without the lock, a child started by another test in between would inherit the
    /// descriptor and keep a pipe open (the reader would then never see EOF).
    static let spawnLock = NSLock()

    /// Ignore SIGPIPE in the test process once: writing input to a child that already
    /// exited must fail with EPIPE, not kill the test runner. Children get the default
    /// disposition back before they run.
    static let ignoreBrokenPipe: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    /// Signals whose disposition is reset to the default in children (an ignored signal
    /// stays ignored across exec).
    static let signalsToReset: [Int32] = [SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU]

    /// `executable` itself when it contains a slash, else its first match in `PATH`
    /// (from `environment`, else the test process's).
    static func resolve(_ executable: String, environment: [String: String]) throws -> String {
        if executable.contains("/") {
            return executable
        }
        let searchPath = environment["PATH"] ?? ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        throw TestProcessError("\(executable): not found in PATH \(searchPath)")
    }

    /// A NULL-terminated array of C strings; free it with ``freeCStrings(_:)``.
    static func cStrings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        let array = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: strings.count + 1)
        for (index, string) in strings.enumerated() {
            array[index] = strdup(string)
        }
        array[strings.count] = nil
        return array
    }

    static func freeCStrings(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
        var index = 0
        while let string = array[index] {
            free(string)
            index += 1
        }
        array.deallocate()
    }

    static func environmentStrings(_ environment: [String: String]) -> [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }

    /// A pipe whose both ends are close-on-exec. Call with ``spawnLock`` held.
    static func makePipe() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw TestProcessError("pipe: \(String(cString: strerror(errno)))")
        }
        setCloseOnExec(descriptors[0])
        setCloseOnExec(descriptors[1])
        return (descriptors[0], descriptors[1])
    }

    static func setCloseOnExec(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFD, fcntl(descriptor, F_GETFD) | FD_CLOEXEC)
    }

    static func setNonBlocking(_ descriptor: Int32) {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    /// The shell's view of a `waitpid` status: the exit code, or 128 + signal.
    static func exitCode(fromWaitStatus status: Int32) -> Int32 {
        let signal = status & 0x7f
        if signal == 0 {
            return (status >> 8) & 0xff
        }
        return 128 + signal
    }

    /// Reaps `pid` if it has exited. Returns its exit code, or nil while it runs.
    static func reapIfExited(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                return exitCode(fromWaitStatus: status)
            }
            if result == -1 && errno == EINTR {
                continue
            }
            if result == -1 {
                return -1  // not our child any more; nothing to wait for
            }
            return nil
        }
    }

    /// Milliseconds left until `deadline` (at least 0), for `poll`.
    static func millisecondsLeft(until deadline: ContinuousClock.Instant) -> Int32 {
        let left = ContinuousClock.now.duration(to: deadline)
        if left <= .zero {
            return 0
        }
        let (seconds, attoseconds) = left.components
        return Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000 + 1)
    }
}
