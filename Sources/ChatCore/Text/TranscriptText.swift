/// How a message is shown in `/history` and `/export`: its text, what is attached by name
/// and size (never base64), tool calls as one line each, tool results cut short.
public enum TranscriptText {
    /// Longest tool result shown in a transcript, in characters.
    public static let toolResultLimit = 300

    /// The message's lines, in order.
    public static func lines(of message: ChatMessage) -> [String] {
        var lines: [String] = []
        let text = message.content
        if message.role == .tool {
            let shown = text.count > toolResultLimit ? String(text.prefix(toolResultLimit)) + "… (\(text.count) characters)" : text
            lines.append(shown)
            return lines
        }
        if !text.isEmpty { lines.append(text) }
        for attachment in message.attachments { lines.append(attachment.label) }
        for call in message.toolCalls { lines.append("→ \(ToolNames.shown(call.name)) \(call.arguments)") }
        return lines
    }
}

/// Tool names as offered to the model (`SERVER__TOOL`) and as shown to people (`SERVER.TOOL`).
public enum ToolNames {
    /// `SERVER__TOOL` with characters outside `[A-Za-z0-9_-]` as `_`, at most 64 characters:
    /// the plain name, which two tools can share (``OfferedTools`` makes the names unique).
    public static func functionName(server: String, tool: String) -> String {
        let name = (server + "__" + tool).unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
                ? Character(scalar) : "_"
        }
        return String(String(name).prefix(64))
    }

    /// `SERVER.TOOL` for `SERVER__TOOL`; other names unchanged.
    public static func shown(_ name: String) -> String {
        guard let range = name.firstRange(of: "__") else { return name }
        return name[..<range.lowerBound] + "." + name[range.upperBound...]
    }
}
