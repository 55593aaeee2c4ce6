/// The one command in a model's answer to "give me a shell command for this": without code
/// fences, a `$ ` prompt, or prose around it.
public enum ShellCommandText {
    /// The command in `answer`. Lines end at LF or CRLF; lines that show nothing (only
    /// whitespace and invisible characters, ``TerminalText/isBlank(_:)``) are left out, so
    /// none can stand between the lines that are shown.
    public static func extract(_ answer: String) -> String {
        // A fenced block wins: its contents are the command.
        if let block = CodeBlocks.all(in: answer).first {
            let lines = block.lines.map(stripPrompt).filter { !TerminalText.isBlank($0) }
            if !lines.isEmpty { return lines.joined(separator: "\n").trimmingWhitespace() }
        }
        let candidates = TextLines.split(answer).map { stripPrompt($0).trimmingWhitespace() }.filter { !TerminalText.isBlank($0) }
        // A single line is the command; with prose around it, the line that does not read as prose.
        if candidates.count == 1 { return unquoted(candidates[0]) }
        if let command = candidates.first(where: { !looksLikeProse($0) }) { return unquoted(command) }
        return unquoted(candidates.first ?? "")
    }

    /// Why `command` cannot be offered to run, in one line; nil when it can. A NUL ends a
    /// C string: the shell would run only the part before it, not what was shown.
    public static func refusal(_ command: String) -> String? {
        guard command.unicodeScalars.contains("\0") else { return nil }
        return "the suggested command holds a NUL character, so the shell would run only part of it; nothing was run (ask again)"
    }

    private static func stripPrompt(_ line: Substring) -> String {
        let trimmed = line.trimmingWhitespace()
        if trimmed.hasPrefix("$ ") { return String(trimmed.dropFirst(2)) }
        return String(line)
    }

    /// `` `ls -la` `` → `ls -la`.
    private static func unquoted(_ line: String) -> String {
        if line.count >= 2, line.hasPrefix("`"), line.hasSuffix("`") { return String(line.dropFirst().dropLast()) }
        return line
    }

    private static func looksLikeProse(_ line: String) -> Bool {
        let words = line.split(separator: " ")
        let ends = line.hasSuffix(".") || line.hasSuffix(":") || line.hasSuffix("!")
        guard let first = line.unicodeScalars.first else { return true }
        return ends && words.count > 3 && first.properties.isUppercase
    }
}
