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
    /// Words offered by tab completion (slash commands, model ids after `/model`, role
    /// names after `/role`). Readers without completion ignore them.
    func setCompletions(commands: [String], models: [String], roles: [String])
}

extension LineReader {
    /// Completion of commands and model ids only.
    public func setCompletions(commands: [String], models: [String]) {
        setCompletions(commands: commands, models: models, roles: [])
    }
}
