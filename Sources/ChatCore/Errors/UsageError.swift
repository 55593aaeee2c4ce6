/// Input the user gave that cannot be used — the command line, a config setting, a role
/// file, a `/set` value, a session name, a file to attach: one line that says what and how to
/// mend it. Exit code 2 where it ends a run. The problem underneath, when there was one, is kept.
public struct UsageError: Error, Sendable, Equatable {
    /// The line to show (one line).
    public var message: String
    /// What was wrong underneath, when it was another error.
    public var underlying: (any Error & Sendable)?

    public init(_ message: String, underlying: (any Error & Sendable)? = nil) {
        self.message = TerminalText.oneLine(message, limit: 1000)
        self.underlying = underlying
    }

    /// Equal when they say the same (the underlying error is a detail).
    public static func == (a: UsageError, b: UsageError) -> Bool {
        a.message == b.message
    }
}
