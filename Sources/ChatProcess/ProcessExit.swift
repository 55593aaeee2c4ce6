/// How a child process ended, from its `waitpid` status.
public struct ProcessExit: Sendable, Equatable {
    /// The ways a process ends.
    public enum Kind: Sendable, Equatable {
        /// It called `exit` with `status`.
        case exited(status: Int32)
        /// A signal ended it.
        case signalled(Int32)
        /// Someone else reaped it: the status is lost.
        case unknown
    }

    /// How it ended.
    public let kind: Kind

    /// An exit of `kind`.
    public init(_ kind: Kind) {
        self.kind = kind
    }

    /// Decodes a `waitpid` status (the `WIFEXITED`/`WTERMSIG` macros are not visible to Swift).
    public init(waitStatus status: Int32) {
        if status & 0x7F == 0 {
            kind = .exited(status: (status >> 8) & 0xFF)
        } else {
            kind = .signalled(status & 0x7F)
        }
    }

    /// The status as a shell gives it (`$?`): the exit status, or 128 + the signal; 0 when
    /// the status is lost.
    public var shellStatus: Int32 {
        switch kind {
        case .exited(let status): status
        case .signalled(let signal): 128 + signal
        case .unknown: 0
        }
    }

    /// What follows the process's name: `exited (status 3)`, `was killed by signal 9`.
    public var description: String {
        switch kind {
        case .exited(let status): "exited (status \(status))"
        case .signalled(let signal): "was killed by signal \(signal)"
        case .unknown: "exited"
        }
    }
}
