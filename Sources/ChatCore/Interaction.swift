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
}
