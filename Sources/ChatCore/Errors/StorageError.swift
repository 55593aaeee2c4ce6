/// A saved conversation, the sessions' index or another file of ours could not be read,
/// written or understood; nothing was changed. One line naming the file and what to do; the
/// problem underneath (an `errno`, a decoding error, SQLite's) is kept.
public struct StorageError: Error, Sendable, Equatable {
    /// The line to show (one line: it may quote what a file holds).
    public var message: String
    /// What failed underneath, when it was another error.
    public var underlying: (any Error & Sendable)?

    public init(_ message: String, underlying: (any Error & Sendable)? = nil) {
        self.message = TerminalText.oneLine(message, limit: 1000)
        self.underlying = underlying
    }

    /// Equal when they say the same (the underlying error is a detail).
    public static func == (a: StorageError, b: StorageError) -> Bool {
        a.message == b.message
    }
}
