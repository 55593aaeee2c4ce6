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

    /// What follows the process's name: `exited (status 3)`, `was killed by signal 9`.
    public var description: String {
        switch kind {
        case .exited(let status): "exited (status \(status))"
        case .signalled(let signal): "was killed by signal \(signal)"
        case .unknown: "exited"
        }
    }
}
