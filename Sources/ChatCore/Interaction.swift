/// What a line reader returns.
public enum LineInput: Sendable, Equatable {
    /// A line the user entered, without its newline.
    case line(String)
    /// Ctrl-C at the prompt: the line was cleared.
    case interrupt
    /// Ctrl-D on an empty line, or the end of scripted input.
    case endOfFile
}

/// Reads the user's lines: libedit on a terminal, a plain reader for scripts and tests.
/// Blocking by design; the chat loop calls it only while no request is running.
public protocol LineReader: AnyObject {
    /// Shows `prompt` and reads one line.
    func readLine(prompt: String) -> LineInput
    /// Adds a line to the reader's history (persisted where the reader persists it).
    func remember(_ line: String)
    /// Words offered by tab completion (slash commands, model ids). Readers without
    /// completion ignore them.
    func setCompletions(commands: [String], models: [String])
}

/// Shows the conversation. The chat loop tells it what happened; it decides how it looks
/// (ANSI on a terminal, plain text for pipes). Answer text goes to stdout; notices, usage
/// lines and errors go to stderr.
public protocol ChatRenderer: AnyObject {
    /// A request was sent; nothing has arrived yet (a terminal renderer may show activity).
    func beginAnswer()
    /// A piece of answer text.
    func answerText(_ text: String)
    /// A piece of reasoning (shown dimmed or not at all, never part of the answer).
    func reasoningText(_ text: String)
    /// The answer ended: completely, or interrupted/failed after `response` had arrived.
    func endAnswer(_ response: ChatResponse, interrupted: Bool)
    /// A retry is pending.
    func retrying(_ notice: RetryNotice)
    /// Output of a command (`/history`, `/help`, ...): stdout.
    func output(_ text: String)
    /// An informational line: stderr.
    func notice(_ text: String)
    /// An error line: stderr.
    func error(_ text: String)
    /// Set once writing the answer failed (the reader of stdout went away, the disk is
    /// full): the turn in progress stops at once.
    var outputFailure: OutputFailure? { get }
}

extension ChatRenderer {
    public var outputFailure: OutputFailure? { nil }
}

/// Why the answer could not be written.
public enum OutputFailure: Error, Sendable, Equatable {
    /// `EPIPE`: whoever read standard output is gone (`bankfuture-chat q | head -c 10`). Exit 141, silently.
    case closed
    /// Any other write error, such as `ENOSPC`. One line, exit 1.
    case failed(code: Int32, reason: String)
}

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
