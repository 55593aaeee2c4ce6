/// How outside text — server and tool names, a call's arguments — is shown in anything the
/// user approves: the tool-call question, and the lines that say what ran or was declined.
public enum ApprovalText {
    /// Outside text as the approval shows it: on one line, every terminal control
    /// neutralised, bidirectional and invisible characters shown (`⟨U+202E⟩`). Every piece of approval text passes here and nowhere else, so the mode
    /// that shows invisible and bidirectional controls visibly is chosen in one place.
    public static func shown(_ text: String) -> String {
        // Line breaks and tabs are spacing here (names collapse them); every other control,
        // and what is invisible or reorders text, is shown.
        guard text.utf8.contains(where: { $0 == 0x09 || $0 == 0x0A }) else { return TerminalText.visibleLine(text) }
        return TerminalText.visibleLine(String(text.map { $0 == "\t" || $0 == "\n" ? " " : $0 }))
    }

    /// Most characters of a server's or a tool's name that are shown (then `…`).
    public static let nameLimit = 64

    /// A tool's name as shown: runs of whitespace as one space, at most ``nameLimit``
    /// characters, and in quotes (`"` and `\` escaped) unless it is plain — letters, digits,
    /// `_`, `-` and `.` — so that nothing in a name can pass for the arguments or for
    /// another server.
    public static func toolName(_ name: String) -> String {
        let collapsed = bounded(collapsingWhitespace(shown(name)))
        guard collapsed.isEmpty || !collapsed.allSatisfy(isPlain) else { return collapsed }
        var quoted = "\""
        for character in collapsed {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// A server's name as shown. The config allows no `.`, `*`, space or invisible
    /// character in it, so it needs no quotes; it is bounded all the same.
    public static func serverName(_ name: String) -> String {
        bounded(collapsingWhitespace(shown(name)))
    }

    /// A name the model used that matched no offered tool, as shown in the notice.
    public static func unknownName(_ name: String) -> String {
        toolName(name)
    }

    private static func isPlain(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || "_-.".contains(character))
    }

    private static func bounded(_ text: String) -> String {
        text.count > nameLimit ? String(text.prefix(nameLimit)) + "…" : text
    }

    /// `text` with each run of whitespace as one space, and none at either end.
    static func collapsingWhitespace(_ text: String) -> String {
        var out = ""
        var pendingSpace = false
        for character in text {
            if character.isWhitespace {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.append(" ") }
                pendingSpace = false
                out.append(character)
            }
        }
        return out
    }
}
