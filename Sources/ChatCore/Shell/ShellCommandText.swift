/// The one command in a model's answer to "give me a shell command for this": without code
/// fences, a `$ ` prompt, or prose around it.
public enum ShellCommandText {
    public static func extract(_ answer: String) -> String {
        let lines = answer.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) }
        // A fenced block wins: its contents are the command.
        if let open = lines.firstIndex(where: { $0.trimmingWhitespace().hasPrefix("```") }) {
            let rest = lines[(open + 1)...]
            let close = rest.firstIndex(where: { $0.trimmingWhitespace().hasPrefix("```") }) ?? rest.endIndex
            let block = rest[..<close].map(stripPrompt).filter { !$0.trimmingWhitespace().isEmpty }
            if !block.isEmpty { return block.joined(separator: "\n").trimmingWhitespace() }
        }
        let candidates = lines.map { stripPrompt($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        // A single line is the command; with prose around it, the line that does not read as prose.
        if candidates.count == 1 { return unquoted(candidates[0]) }
        if let command = candidates.first(where: { !looksLikeProse($0) }) { return unquoted(command) }
        return unquoted(candidates.first ?? "")
    }

    private static func stripPrompt(_ line: String) -> String {
        let trimmed = line.trimmingWhitespace()
        if trimmed.hasPrefix("$ ") { return String(trimmed.dropFirst(2)) }
        return line
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
