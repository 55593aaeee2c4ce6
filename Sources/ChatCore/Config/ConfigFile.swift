/// The config file's keys (all optional), as read from JSON. See `config.sample.json`.
public struct ConfigFile: Sendable, Equatable {
    public var model: String?
    public var systemPrompt: String?
    public var baseURL: String?
    public var apiKeyEnv: String?
    public var referer: String?
    public var title: String?
    public var stream: Bool?
    public var temperature: Double?
    public var maxTokens: Int?
    public var timeoutSeconds: Double?
    public var maxRetries: Int?
    public var historyFile: String?
    public var fallbackModels: [String]?
    public var color: ColorMode?
    public var imageModel: String?
    public var imageDir: String?
    public var imageProvider: ImageProvider?
    public var imageBaseURL: String?
    public var imageAPIKeyEnv: String?
    // Second round (see ConfigFile+SecondRound.swift).
    public var allowInsecureHTTP: Bool?
    public var maxAnswerMB: Int?
    public var maxAttachmentMB: Int?
    public var maxAttachmentsMB: Int?
    public var reasoning: ReasoningSetting??
    public var webSearch: WebSearch??
    public var provider: ProviderRouting?
    public var promptCache: Bool?
    public var pdfEngine: String?
    public var mcpServers: [ToolServerConfig]?
    public var autoApproveTools: [String]?
    public var maxToolRounds: Int?
    public var tools: Bool?
    public var toolTimeoutSeconds: Double?

    public init() {}

    /// Every key the file may hold, in the order `config.sample.json` documents them.
    public static let knownKeys = [
        "model", "system_prompt", "base_url", "api_key_env", "referer", "title", "stream", "temperature",
        "max_tokens", "timeout_seconds", "max_retries", "history_file", "fallback_models", "color",
        "image_model", "image_dir", "image_provider", "image_base_url", "image_api_key_env",
        "reasoning", "web_search", "provider", "prompt_cache", "pdf_engine", "max_attachment_mb",
        "max_attachments_mb", "max_answer_mb",
        "mcp_servers", "auto_approve_tools", "max_tool_rounds", "tools", "tool_timeout_seconds", "allow_insecure_http",
    ]

    /// Keys that would hold a secret; the key belongs in the environment.
    static let secretKeys: Set<String> = [
        "api_key", "apikey", "key", "openrouter_api_key", "token", "api_token", "secret", "authorization", "bearer",
    ]

    /// Validates JSON text; `path` names the file in errors.
    public static func parse(_ bytes: [UInt8], path: String) throws(ConfigError) -> ConfigFile {
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes)
        } catch {
            throw .syntax(path: path, line: error.line, column: error.column, reason: error.reason)
        }
        guard case .object(let members) = json else {
            throw .invalid(path: path, key: nil, reason: "the file must hold a JSON object, not \(json.typeName)")
        }
        var config = ConfigFile()
        for (key, value) in members {
            if secretKeys.contains(key.lowercased()) {
                throw .secretInConfig(path: path, key: key)
            }
            let v = ConfigValue(path: path, key: key, value: value)
            if try config.readSecondRound(v) { continue }
            switch key {
            case "model": config.model = try v.nonEmpty()
            case "system_prompt": config.systemPrompt = try v.string()
            case "base_url": config.baseURL = try v.url()
            case "api_key_env": config.apiKeyEnv = try v.envName()
            case "referer": config.referer = try v.headerText()
            case "title": config.title = try v.headerText()
            case "stream": config.stream = try v.bool()
            case "temperature": config.temperature = try v.number(0...2)
            case "max_tokens": config.maxTokens = try v.integer(1...10_000_000)
            case "timeout_seconds": config.timeoutSeconds = try v.number(0.1...86_400)
            case "max_retries": config.maxRetries = try v.integer(0...10)
            case "history_file": config.historyFile = try v.nonEmpty()
            case "fallback_models": config.fallbackModels = try v.strings("model ids")
            case "color": config.color = try v.choice([("auto", .auto), ("always", .always), ("never", .never)])
            case "image_model": config.imageModel = try v.nonEmpty()
            case "image_dir": config.imageDir = try v.nonEmpty()
            case "image_provider": config.imageProvider = try v.choice([("openrouter", .openrouter), ("openai", .openai)])
            case "image_base_url": config.imageBaseURL = try v.url()
            case "image_api_key_env": config.imageAPIKeyEnv = try v.envName()
            default:
                throw .unknownKey(path: path, key: key, suggestion: closestKey(to: key))
            }
        }
        return config
    }

    static func closestKey(to key: String) -> String? {
        let scored = knownKeys.map { ($0, editDistance(Array($0), Array(key.lowercased()))) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, key.count / 3) else { return nil }
        return best.0
    }
}
