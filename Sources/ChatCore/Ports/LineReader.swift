/// What a line reader returns.
public enum LineInput: Sendable, Equatable {
    /// A line the user entered, without its newline.
    case line(String)
    /// A line that holds pasted text of several lines (bracketed paste), the paste in place:
    /// one input as it stands. `typedBefore` is what the user typed before the first paste; a
    /// command is read only from that, never from pasted text.
    case pasted(String, typedBefore: String)
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
    /// Where tab completion takes its words from: asked at each Tab, so lists that change
    /// (the model list fetched in the background, a role file added, a new saved
    /// conversation) are current. Readers without completion ignore it.
    func setCompletionSource(_ source: @escaping @Sendable () -> CompletionLists)
    /// Drops what was typed ahead on the terminal while Ctrl-C stopped a turn (lines queued
    /// behind the Ctrl-C would otherwise be sent one by one) and returns how many lines that
    /// was; 0 when there was no such Ctrl-C. Called before each prompt.
    func discardTypeAheadAfterInterrupt() -> Int
}

/// The words Tab completes, by what they follow.
public struct CompletionLists: Sendable, Equatable {
    /// Slash commands, at the start of a line.
    public var commands: [String]
    /// Model ids: after `/model`, `/regen`, `/compare`, `/fallback`.
    public var models: [String]
    /// After `/role`.
    public var roles: [String]
    /// Saved conversations' names: after `/session`.
    public var sessions: [String]
    /// What `/set reasoning` takes (the model's own efforts when the list says which).
    public var reasoningValues: [String]

    public init(
        commands: [String] = [], models: [String] = [], roles: [String] = [], sessions: [String] = [], reasoningValues: [String] = []
    ) {
        self.commands = commands
        self.models = models
        self.roles = roles
        self.sessions = sessions
        self.reasoningValues = reasoningValues
    }
}

extension LineReader {
    /// Completion of fixed words.
    public func setCompletions(commands: [String], models: [String], roles: [String] = []) {
        let lists = CompletionLists(commands: commands, models: models, roles: roles)
        setCompletionSource { lists }
    }

    /// Readers of scripted input keep every line: each is input, not type-ahead.
    public func discardTypeAheadAfterInterrupt() -> Int { 0 }
}
