/// Where the REPL's line history is kept between runs.
public protocol LineHistoryStore: Sendable {
    /// The saved entries, oldest first (at most the store's limit).
    func load() throws(LineHistoryError) -> [String]
    /// Adds one entry, keeping every entry another process added meanwhile.
    func append(_ line: String) throws(LineHistoryError)
}

/// The line history cannot be read or written; the REPL goes on without it.
public struct LineHistoryError: Error, Sendable, Equatable {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// One line for the user.
    public var message: String {
        "cannot use history file \(path): \(reason); check its directory and permissions or set history_file"
    }
}
