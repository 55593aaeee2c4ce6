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
    /// Words offered by tab completion (slash commands, model ids after `/model`, role
    /// names after `/role`). Readers without completion ignore them.
    func setCompletions(commands: [String], models: [String], roles: [String])
    /// Drops what was typed ahead on the terminal while Ctrl-C stopped a turn (lines queued
    /// behind the Ctrl-C would otherwise be sent one by one) and returns how many lines that
    /// was; 0 when there was no such Ctrl-C. Called before each prompt.
    func discardTypeAheadAfterInterrupt() -> Int
}

extension LineReader {
    /// Completion of commands and model ids only.
    public func setCompletions(commands: [String], models: [String]) {
        setCompletions(commands: commands, models: models, roles: [])
    }

    /// Readers of scripted input keep every line: each is input, not type-ahead.
    public func discardTypeAheadAfterInterrupt() -> Int { 0 }
}
