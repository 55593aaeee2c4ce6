/// A REPL command typed as `/word [argument]`.
public enum SlashCommand: Sendable, Equatable {
    case system(String?)
    case model(String?)
    case reset
    case retry
    case undo
    case history
    case models(String?)
    case usage
    case help
    case exit
    case save(String?)
    case load(String?)
    case export(String?)
    /// `/set` alone shows the settings; `/set KEY VALUE` changes one.
    case set(key: String?, value: String?)
    case file([String])
    /// `/edit [TEXT]`: compose in the editor, starting from TEXT.
    case edit(String?)
    case copy(codeOnly: Bool)
    case fallback([String])
    case image(String?)
    /// `/models --all`: every model, image-only ones included.
    case allModels(String?)
    /// `/role` lists the roles; `/role NAME` switches to one.
    case role(String?)
    /// `/web on|off`; `/web` alone shows the state.
    case web(Bool?)
    case tools
    /// `/mcp` shows the servers; `/mcp restart NAME` restarts one.
    case mcp(restart: String?)
    /// `/sessions [QUERY]`.
    case sessions(String?)
    /// `/session NAME`: switch to a saved conversation.
    case session(String?)
    /// `/rename NAME`: the current conversation's new name.
    case rename(String?)
    /// `/generation` (or `/usage last`): what OpenRouter recorded of the last answer.
    case generation
    /// `/exec TASK`: one shell command for the task.
    case exec(String?)
    /// `/rewind N`: move to just before user message N; the next message is a new version of it.
    case rewind(String?)
    /// `/edit N`: a new version of user message N, written in the editor.
    case editMessage(Int)
    /// `/regen [MODEL]` (`/regenerate`): a new answer to the last user message.
    case regen(String?)
    /// `/tree`: the branches.
    case tree
    /// `/switch K`: make branch K current.
    case switchBranch(String?)
    /// `/fork NAME`: the current branch as a new saved conversation, continued there.
    case fork(String?)
    /// `/compare MODEL…`: the last user message answered by each model, side by side in the tree.
    case compare([String])

    /// Command names offered by `/help` and tab completion.
    public static let names = [
        "/system", "/model", "/models", "/reset", "/retry", "/undo", "/history", "/usage", "/save", "/load", "/export",
        "/set", "/file", "/edit", "/copy", "/fallback", "/image", "/role", "/web", "/tools", "/mcp", "/sessions", "/session",
        "/rename", "/generation", "/exec", "/rewind", "/regen", "/regenerate", "/tree", "/switch", "/fork", "/compare", "/help",
        "/exit", "/quit",
    ]

    /// One line of help per command.
    public static let helpLines: [(String, String)] = [
        ("/system [TEXT]", "show, or replace, the system prompt (history kept)"),
        ("/model [ID]", "show, or switch, the model for the following turns"),
        ("/models [FILTER]", "list the available models"),
        ("/reset", "forget the conversation; system prompt and model stay"),
        ("/retry", "resend the failed or cancelled message, or answer the last one again (the old answer stays)"),
        ("/undo", "move back before the last user message (it stays in the tree)"),
        ("/history", "the current branch, numbered; [k/n] marks a message with other versions"),
        ("/rewind N", "move to just before user message N; what you type next is a new version of it"),
        ("/edit N", "write a new version of user message N in the editor, and send it"),
        ("/regen [MODEL]", "a new answer to the last user message (by MODEL); the old one stays"),
        ("/tree, /switch K", "the branches (* marks the current one); make branch K current"),
        ("/fork NAME", "save the current branch as a new conversation NAME and continue there"),
        ("/compare MODEL...", "answer the last user message with up to 4 models at once, each a branch"),
        ("/save PATH, /load PATH", "save the whole tree as JSON (mode 0600); load one as a new session"),
        ("/export PATH", "write the current branch as Markdown"),
        ("/set [KEY VALUE]", "show or set temperature, max_tokens, top_p, reasoning, provider[.FIELD], allow_fallbacks, stream"),
        ("/file PATH|URL...", "attach text, images, PDFs or audio to the next message (globs; /file lists, /file clear drops)"),
        ("/edit [TEXT], Ctrl-X Ctrl-E", "compose the next message in $VISUAL / $EDITOR"),
        ("/copy [code]", "copy the last answer (or its last code block) to the clipboard"),
        ("/fallback [ID...]", "set fallback models (none: clear them)"),
        ("/image PROMPT", "generate an image and save it in image_dir"),
        ("/role [NAME]", "list the roles, or switch to one (system prompt, model, parameters)"),
        ("/web on|off", "web search with cited sources for the following turns"),
        ("/tools, /mcp [restart NAME]", "the tools offered (by server); the MCP servers' state"),
        ("/sessions [QUERY], /session NAME", "list or search saved conversations; switch to one"),
        ("/rename NAME", "give this conversation a name"),
        ("/usage, /generation", "tokens and cost of this session; what OpenRouter recorded of the last answer"),
        ("/exec TASK", "ask for one shell command, then execute, describe or copy it"),
        ("/help", "this help"),
        ("/exit, /quit, Ctrl-D", "leave"),
        ("//text", "send a message that starts with /"),
        ("line ending in \\, or \"\"\"", "continue on the next line / open and close a multi-line block"),
        ("Ctrl-C", "clear the line; while an answer streams, stop it"),
    ]
}

/// What one complete input means.
public enum ParsedInput: Sendable, Equatable {
    /// Text to send to the model.
    case message(String)
    case command(SlashCommand)
    /// `/word` that is not a command: never sent; `hint` says what to do.
    case unknownCommand(name: String, hint: String)
    /// Only whitespace.
    case empty

    /// Interprets a complete input. `//text` sends `/text`.
    public static func parse(_ input: String) -> ParsedInput {
        let trimmed = input.trimmingWhitespace()
        if trimmed.isEmpty { return .empty }
        guard trimmed.hasPrefix("/") else { return .message(input) }
        if trimmed.hasPrefix("//") { return .message(String(trimmed.dropFirst())) }
        let name: Substring
        let rest: String?
        if let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            name = trimmed[..<space]
            let argument = String(trimmed[space...]).trimmingWhitespace()
            rest = argument.isEmpty ? nil : argument
        } else {
            name = Substring(trimmed)
            rest = nil
        }
        switch name.lowercased() {
        case "/system": return .command(.system(rest))
        case "/model": return .command(.model(rest))
        case "/models":
            if let rest, rest == "--all" || rest.hasPrefix("--all ") {
                let filter = rest.dropFirst(5).trimmingWhitespace()
                return .command(.allModels(filter.isEmpty ? nil : filter))
            }
            return .command(.models(rest))
        case "/reset", "/clear": return .command(.reset)
        case "/retry": return .command(.retry)
        case "/undo": return .command(.undo)
        case "/history": return .command(.history)
        case "/usage": return .command(rest?.lowercased() == "last" ? .generation : .usage)
        case "/help", "/?": return .command(.help)
        case "/exit", "/quit", "/q": return .command(.exit)
        case "/save": return .command(.save(rest))
        case "/load": return .command(.load(rest))
        case "/export": return .command(.export(rest))
        case "/set":
            guard let rest else { return .command(.set(key: nil, value: nil)) }
            let parts = rest.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            return .command(.set(key: String(parts[0]), value: parts.count > 1 ? String(parts[1]) : nil))
        case "/file", "/attach": return .command(.file(rest.map(splitWords) ?? []))
        case "/edit":
            if let rest, let number = Int(rest) { return .command(.editMessage(number)) }
            return .command(.edit(rest))
        case "/copy": return .command(.copy(codeOnly: rest?.lowercased() == "code"))
        case "/fallback", "/fallbacks": return .command(.fallback(rest.map(splitWords) ?? []))
        case "/image": return .command(.image(rest))
        case "/role", "/roles": return .command(.role(rest))
        case "/web":
            switch rest?.lowercased() {
            case nil: return .command(.web(nil))
            case "on", "true", "yes": return .command(.web(true))
            case "off", "false", "no": return .command(.web(false))
            default: return .unknownCommand(name: "/web", hint: "usage: /web on|off")
            }
        case "/tools": return .command(.tools)
        case "/mcp":
            guard let rest else { return .command(.mcp(restart: nil)) }
            let words = splitWords(rest)
            guard words.count == 2, words[0].lowercased() == "restart" else {
                return .unknownCommand(name: "/mcp", hint: "usage: /mcp, or /mcp restart NAME")
            }
            return .command(.mcp(restart: words[1]))
        case "/sessions": return .command(.sessions(rest))
        case "/session": return .command(.session(rest))
        case "/rename": return .command(.rename(rest))
        case "/generation": return .command(.generation)
        case "/exec": return .command(.exec(rest))
        case "/rewind": return .command(.rewind(rest))
        case "/regen", "/regenerate": return .command(.regen(rest))
        case "/tree", "/branches": return .command(.tree)
        case "/switch": return .command(.switchBranch(rest))
        case "/fork": return .command(.fork(rest))
        case "/compare": return .command(.compare(rest.map(splitWords) ?? []))
        default:
            let word = String(name)
            let candidates = SlashCommand.names.map { ($0, editDistance(Array($0), Array(word.lowercased()))) }
            var hint = "unknown command \(word) (not sent)"
            if let best = candidates.min(by: { $0.1 < $1.1 }), best.1 <= 2 {
                hint += "; did you mean \(best.0)?"
            }
            hint += " Type /help for commands, or //\(word.dropFirst()) to send it as a message."
            return .unknownCommand(name: word, hint: hint)
        }
    }
}

/// Splits arguments at spaces as a shell does: 'single quotes' and "double quotes" keep
/// spaces, and a backslash escapes the next character — what a terminal pastes when a file is
/// dragged onto it (`'/tmp/my photo.png'`, `/tmp/my\ photo.png`).
func splitWords(_ text: String) -> [String] {
    var words: [String] = []
    var current = ""
    var quote: Character?
    var hasWord = false
    var escaped = false
    for ch in text {
        if escaped {
            current.append(ch)
            escaped = false
            hasWord = true
        } else if ch == "\\" && quote != "'" {
            escaped = true
            hasWord = true
        } else if let open = quote {
            if ch == open { quote = nil } else { current.append(ch) }
        } else if ch == "\"" || ch == "'" {
            quote = ch
            hasWord = true
        } else if ch.isWhitespace {
            if hasWord { words.append(current) }
            current = ""
            hasWord = false
        } else {
            current.append(ch)
            hasWord = true
        }
    }
    if escaped { current.append("\\") }
    if hasWord { words.append(current) }
    return words
}

/// Joins physical lines into one input: a line ending in `\` continues on the next line,
/// and `"""` opens and closes a multi-line block.
public struct InputAssembler: Sendable, Equatable {
    private var lines: [String] = []
    private var inBlock = false

    public init() {}

    /// Whether a partial input is pending (the prompt should show a continuation marker).
    public var isPending: Bool { inBlock || !lines.isEmpty }

    /// Adds a line; returns the complete input when it is finished.
    public mutating func add(_ line: String) -> String? {
        if inBlock {
            if line.trimmingWhitespace().hasSuffix("\"\"\"") {
                var last = line.trimmingWhitespace()
                last.removeLast(3)
                if !last.isEmpty { lines.append(last) }
                inBlock = false
                return finish()
            }
            lines.append(line)
            return nil
        }
        if lines.isEmpty, line.trimmingWhitespace().hasPrefix("\"\"\"") {
            var first = line.trimmingWhitespace()
            first.removeFirst(3)
            if first.hasSuffix("\"\"\""), first.count >= 3 {
                first.removeLast(3)
                return first
            }
            inBlock = true
            if !first.isEmpty { lines.append(first) }
            return nil
        }
        if line.hasSuffix("\\") && !line.hasSuffix("\\\\") {
            lines.append(String(line.dropLast()))
            return nil
        }
        lines.append(line)
        return finish()
    }

    /// Adds pasted text as it stands: its lines never open or close a block or continue
    /// one. Inside a block it joins the block; otherwise it completes the input.
    public mutating func addVerbatim(_ text: String) -> String? {
        lines.append(text)
        return inBlock ? nil : finish()
    }

    /// Ends input early (end of file): returns whatever was pending, so nothing typed is lost.
    public mutating func flush() -> String? {
        guard isPending else { return nil }
        inBlock = false
        return finish()
    }

    /// Drops a pending partial input (Ctrl-C).
    public mutating func cancel() {
        lines.removeAll()
        inBlock = false
    }

    private mutating func finish() -> String {
        defer { lines.removeAll() }
        return lines.joined(separator: "\n")
    }
}
