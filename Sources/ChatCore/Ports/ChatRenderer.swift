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

/// Every event shows nothing unless a renderer says otherwise: a renderer that only collects
/// (the `-e` command asked for silently) or only reports notices (`--json`) writes only those.
extension ChatRenderer {
    public func beginAnswer() {}
    public func answerText(_ text: String) {}
    public func reasoningText(_ text: String) {}
    public func endAnswer(_ response: ChatResponse, interrupted: Bool) {}
    public func retrying(_ notice: RetryNotice) {}
    public func output(_ text: String) {}
    public func notice(_ text: String) {}
    public func error(_ text: String) {}
    public var outputFailure: OutputFailure? { nil }
}

/// Shows nothing: an answer that is only collected (the command `-e` asks for is shown once,
/// whole, after it arrived).
public final class SilentRenderer: ChatRenderer {
    public init() {}
}

/// Why the answer could not be written.
public enum OutputFailure: Error, Sendable, Equatable {
    /// `EPIPE`: whoever read standard output is gone (`bankfuture-chat q | head -c 10`). Exit 141, silently.
    case closed
    /// Any other write error, such as `ENOSPC`. One line, exit 1.
    case failed(code: Int32, reason: String)
}
