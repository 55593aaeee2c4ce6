#if canImport(Glibc)
import Glibc
#endif

/// A system call that failed: which call, on what (a command, a path), and its `errno`.
public struct SystemCallFailure: Error, Sendable, Equatable {
    /// The call: `posix_spawn`, `pipe2`, `open`, `mkdir`, `pthread_create`.
    public let call: String
    /// What it was called on: the program, the file or the folder.
    public let subject: String
    /// The error number the call gave.
    public let errno: Int32

    /// Creates the failure of `call` on `subject` with `errno`.
    public init(call: String, subject: String, errno: Int32) {
        self.call = call
        self.subject = subject
        self.errno = errno
    }

    /// `SUBJECT: CALL failed: REASON`, e.g. `/bin/x: posix_spawn failed: No such file or directory`.
    public var message: String {
        "\(subject): \(call) failed: \(Self.describe(errno))"
    }

    /// `strerror` text for `errno`, e.g. `No such file or directory`.
    public static func describe(_ errno: Int32) -> String {
        String(cString: strerror(errno))
    }
}
