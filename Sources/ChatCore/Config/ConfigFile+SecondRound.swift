// The second round's keys: reasoning, web search, provider routing, caching, attachments,
// tools, safety.

extension ConfigFile {
    /// Reads `value` when its key is one of the second round's; false for any other key.
    mutating func readSecondRound(_ v: ConfigValue) throws(ConfigError) -> Bool {
        switch v.key {
        case "allow_insecure_http": allowInsecureHTTP = try v.bool()
        case "max_answer_mb": maxAnswerMB = try v.integer(1...4096)
        case "max_attachment_mb": maxAttachmentMB = try v.integer(1...1024)
        case "max_attachments_mb": maxAttachmentsMB = try v.integer(1...4096)
        case "reasoning":
            let text: String
            switch v.value {
            case .number: text = String(try v.integer(1...10_000_000))
            default: text = try v.string()
            }
            switch ReasoningSetting.parse(text) {
            case .success(let setting): reasoning = .some(setting)
            case .failure: throw v.invalid("must be \(ReasoningSetting.values), got \(v.value.jsonText)")
            }
        case "web_search": webSearch = .some(try Self.webSearch(v))
        case "provider":
            do {
                provider = try ProviderRouting(validating: v.value)
            } catch {
                if let field = error.field { throw .invalid(path: v.path, key: field, reason: error.reason) }
                throw v.invalid(error.reason)
            }
        case "prompt_cache": promptCache = try v.choice([("auto", true), ("off", false)])
        case "pdf_engine": pdfEngine = try v.nonEmpty()
        case "mcp_servers": mcpServers = try Self.servers(v)
        case "auto_approve_tools":
            let patterns = try v.strings("tool patterns (\(ToolPattern.forms))")
            if let bad = patterns.first(where: { ToolPattern($0) == nil }) {
                throw v.invalid("has \(JSONValue.string(bad).jsonText), which is not \(ToolPattern.forms)")
            }
            autoApproveTools = patterns
        case "max_tool_rounds": maxToolRounds = try v.integer(1...100)
        case "tools": tools = try v.bool()
        case "tool_timeout_seconds": toolTimeoutSeconds = try v.number(1...86_400)
        default: return false
        }
        return true
    }

    /// `true`, `false`, or `{"max_results": N, "engine": "…"}`.
    static func webSearch(_ v: ConfigValue) throws(ConfigError) -> WebSearch? {
        if case .bool(let on) = v.value { return on ? WebSearch() : nil }
        guard case .object(let members) = v.value else { throw v.wrongType("true, false or an object") }
        var search = WebSearch()
        for (key, value) in members {
            let field = v.member(key, value)
            switch key {
            case "max_results": search.maxResults = try field.integer(1...100)
            case "engine": search.engine = try field.nonEmpty()
            default: throw field.invalid("is not a web_search field (max_results, engine)")
            }
        }
        return search
    }

    /// `{"NAME": {"command": PATH, "args": [...], "env": {...}}}` or `{"NAME": {"url": "http://…"}}`.
    static func servers(_ v: ConfigValue) throws(ConfigError) -> [ToolServerConfig] {
        guard case .object(let entries) = v.value else { throw v.wrongType("an object of servers by name") }
        var servers: [ToolServerConfig] = []
        for (name, entry) in entries {
            let server = v.member(name, entry)
            guard !name.trimmingWhitespace().isEmpty else { throw v.invalid("has a server without a name") }
            if let problem = ToolServerConfig.nameProblem(name) {
                throw v.invalid(
                    "names a server \(JSONValue.string(name).jsonText), which \(problem); a server's name cannot hold \".\", \"*\", "
                        + "spaces or invisible characters (SERVER.TOOL in auto_approve_tools would be ambiguous): rename it")
            }
            guard case .object(let fields) = entry else { throw server.wrongType("an object with \"command\" or \"url\"") }
            var command: String?
            var arguments: [String] = []
            var environment: [String: String] = [:]
            var url: String?
            for (key, value) in fields {
                let field = server.member(key, value)
                switch key {
                case "command": command = try field.nonEmpty()
                case "args": arguments = try field.strings("arguments")
                case "env":
                    guard case .object(let pairs) = value else { throw field.wrongType("an object of variables") }
                    for (variable, text) in pairs {
                        guard case .string(let s) = text else { throw field.member(variable, text).wrongType("a string") }
                        environment[variable] = s
                    }
                case "url": url = try field.url()
                default: throw field.invalid("is not a server field (command, args, env, url)")
                }
            }
            switch (command, url) {
            case (let command?, nil):
                servers.append(.init(name: name, connection: .stdio(command: command, arguments: arguments, environment: environment)))
            case (nil, let url?):
                servers.append(.init(name: name, connection: .http(url: url)))
            default:
                throw server.invalid("needs either \"command\" (a program to start) or \"url\" (streamable HTTP), not both")
            }
        }
        return servers
    }
}
