/// How a server's process ended, from its `waitpid` status.
struct ProcessExit: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case exited(status: Int32)
        case signalled(Int32)
        /// Someone else reaped it: the status is lost.
        case unknown
    }

    let kind: Kind

    init(_ kind: Kind) {
        self.kind = kind
    }

    /// Decodes a `waitpid` status (the `WIFEXITED`/`WTERMSIG` macros are not visible to Swift).
    init(waitStatus status: Int32) {
        if status & 0x7F == 0 {
            kind = .exited(status: (status >> 8) & 0xFF)
        } else {
            kind = .signalled(status & 0x7F)
        }
    }

    /// What follows "MCP server NAME ": `exited (status 3)`, `was killed by signal 9`.
    var description: String {
        switch kind {
        case .exited(let status): "exited (status \(status))"
        case .signalled(let signal): "was killed by signal \(signal)"
        case .unknown: "exited"
        }
    }
}
