/// The settings in force after applying flags > role > environment > config file > defaults.
public struct Settings: Sendable, Equatable {
    public static let defaultModel = "google/gemini-2.5-flash"
    public static let defaultBaseURL = "https://openrouter.ai/api/v1"
    public static let defaultReferer = "https://bankfuture.com"
    public static let defaultTitle = "BankFuture"
    /// `timeout_seconds`: the longest wait for the next piece of an answer.
    public static let defaultTimeoutSeconds: Double = 60
    /// The longest wait for a connection, whatever `timeout_seconds` says.
    public static let connectTimeoutSeconds: Double = 10

    public var model = Settings.defaultModel
    public var systemPrompt: String?
    public var baseURL = Settings.defaultBaseURL
    public var apiKeyEnv = "OPENROUTER_API_KEY"
    public var referer = Settings.defaultReferer
    public var title = Settings.defaultTitle
    public var stream = true
    public var temperature: Double?
    public var maxTokens: Int?
    /// A role's `top_p` (there is no config key).
    public var topP: Double?
    public var timeoutSeconds = Settings.defaultTimeoutSeconds
    public var maxRetries = 2
    public var historyFile: String
    public var stateDirectory: String
    public var fallbackModels: [String] = []
    public var color = ColorMode.auto
    public var noColorEnv = false
    public var imageModel = "google/gemini-2.5-flash-image"
    public var imageDir = "images"
    public var imageProvider = ImageProvider.openrouter
    public var imageBaseURL = "https://api.openai.com/v1"
    public var imageAPIKeyEnv = "OPENAI_API_KEY"
    /// Whether an `http://` API base on another machine is allowed (the key then travels unencrypted).
    public var allowInsecureHTTP = false
    /// Longest answer accepted, in MiB; a longer one is stopped with an error.
    public var maxAnswerMB = 64
    /// Largest file `-f` and `/file` attach, in MiB.
    public var maxAttachmentMB = 20
    /// Most all files attached to one message may hold together, in MiB.
    public var maxAttachmentsMB = 50
    public var reasoning: ReasoningSetting?
    public var webSearch: WebSearch?
    public var provider = ProviderRouting()
    /// `prompt_cache: auto` (the default) or `off`.
    public var promptCache = true
    public var pdfEngine: String?
    /// `--schema`: the JSON Schema the one-shot answer must match.
    public var responseSchema: RawJSON?
    public var mcpServers: [ToolServerConfig] = []
    /// `auto_approve_tools`, and `*` with `-y/--yes`.
    public var autoApproveTools: [String] = []
    public var maxToolRounds = 8
    /// Whether tools are offered (`tools: false`, `--no-tools`).
    public var toolsEnabled = true
    public var toolTimeoutSeconds: Double = 60

    /// The config file to read: `--config`, else `BANKFUTURE_CHAT_CONFIG`, else the XDG default.
    /// `explicit` is true when the user named it (so a missing file is an error).
    public static func configPath(flag: String?, environment: [String: String]) -> (path: String, explicit: Bool) {
        if let flag, !flag.isEmpty { return (flag, true) }
        if let env = environment["BANKFUTURE_CHAT_CONFIG"], !env.isEmpty { return (env, true) }
        return (configHome(environment) + "/bankfuture-chat/config.json", false)
    }

    /// `HOME` from the environment the caller gives (it fills HOME in from the password
    /// database when the variable is unset).
    static func home(_ environment: [String: String]) -> String {
        environment["HOME"] ?? ""
    }

    public static func configHome(_ environment: [String: String]) -> String {
        if let x = environment["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x }
        return home(environment) + "/.config"
    }

    static func stateHome(_ environment: [String: String]) -> String {
        if let x = environment["XDG_STATE_HOME"], x.hasPrefix("/") { return x }
        return home(environment) + "/.local/state"
    }

    /// Applies the layers in order of precedence: the config `file`, the `environment`, the
    /// `role` this run starts with, then the command line's `arguments` with the
    /// `systemPrompt` (from `-s`, `--system-file` or stdin) and `responseSchema` (`--schema`)
    /// read from them.
    public init(
        file: ConfigFile, environment: [String: String], arguments: CommandLineArguments = .init(), systemPrompt: String? = nil,
        responseSchema: RawJSON? = nil, role: RoleProfile? = nil
    ) throws(ConfigError) {
        stateDirectory = Self.stateHome(environment) + "/bankfuture-chat"
        historyFile = stateDirectory + "/history"

        // Config file.
        if let v = file.model { model = v }
        if let v = file.systemPrompt { self.systemPrompt = v }
        if let v = file.baseURL { baseURL = v }
        if let v = file.apiKeyEnv { apiKeyEnv = v }
        if let v = file.referer { referer = v }
        if let v = file.title { title = v }
        if let v = file.stream { stream = v }
        temperature = file.temperature
        maxTokens = file.maxTokens
        if let v = file.timeoutSeconds { timeoutSeconds = v }
        if let v = file.maxRetries { maxRetries = v }
        if let v = file.historyFile { historyFile = v }
        if let v = file.fallbackModels { fallbackModels = v }
        if let v = file.color { color = v }
        if let v = file.imageModel { imageModel = v }
        if let v = file.imageDir { imageDir = v }
        if let v = file.imageProvider { imageProvider = v }
        if let v = file.imageBaseURL { imageBaseURL = v }
        if let v = file.imageAPIKeyEnv { imageAPIKeyEnv = v }
        if let v = file.allowInsecureHTTP { allowInsecureHTTP = v }
        if let v = file.maxAnswerMB { maxAnswerMB = v }
        if let v = file.maxAttachmentMB { maxAttachmentMB = v }
        if let v = file.maxAttachmentsMB { maxAttachmentsMB = v }
        if let v = file.reasoning { reasoning = v }
        if let v = file.webSearch { webSearch = v }
        if let v = file.provider { provider = v }
        if let v = file.promptCache { promptCache = v }
        if let v = file.pdfEngine { pdfEngine = v }
        if let v = file.mcpServers { mcpServers = v }
        if let v = file.autoApproveTools { autoApproveTools = v }
        if let v = file.maxToolRounds { maxToolRounds = v }
        if let v = file.tools { toolsEnabled = v }
        if let v = file.toolTimeoutSeconds { toolTimeoutSeconds = v }

        // Environment.
        if let v = environment["OPENROUTER_BASE_URL"], !v.isEmpty { baseURL = v }
        if let v = environment["NO_COLOR"], !v.isEmpty { noColorEnv = true }

        // The role.
        if let role {
            self.systemPrompt = role.systemPrompt
            if let v = role.model { model = v }
            if let v = role.temperature { temperature = v }
            if let v = role.topP { topP = v }
            if let v = role.maxTokens { maxTokens = v }
            if let v = role.reasoning { reasoning = v }
        }

        // Flags.
        if let v = arguments.model { model = v }
        if let v = systemPrompt { self.systemPrompt = v }
        if let v = arguments.baseURL { baseURL = v }
        if arguments.noStream { stream = false }
        if let v = arguments.temperature { temperature = v }
        if let v = arguments.maxTokens { maxTokens = v }
        if arguments.allowInsecureHTTP { allowInsecureHTTP = true }
        if let v = arguments.reasoning { reasoning = v }
        if arguments.web && webSearch == nil { webSearch = WebSearch() }
        if let v = responseSchema { self.responseSchema = v }
        if arguments.yes { autoApproveTools = ["*"] }
        if arguments.noTools { toolsEnabled = false }

        while baseURL.hasSuffix("/") { baseURL.removeLast() }
        guard baseURL.hasPrefix("http://") || baseURL.hasPrefix("https://") else {
            throw .setting(key: "base_url", reason: "must be an http:// or https:// URL, got \"\(baseURL)\"")
        }
        try ClearTextPolicy.check(baseURL, key: "base_url", allowed: allowInsecureHTTP)
        if imageProvider == .openai {
            try ClearTextPolicy.check(imageBaseURL, key: "image_base_url", allowed: allowInsecureHTTP)
        }
    }

    /// Request parameters from the settings.
    public var parameters: RequestParameters {
        RequestParameters(
            stream: stream, temperature: temperature, maxTokens: maxTokens, topP: topP, reasoning: reasoning, provider: provider,
            webSearch: webSearch,
            pdfEngine: pdfEngine, responseSchema: responseSchema, promptCache: promptCache)
    }
}

extension Settings {
    /// The environment the MCP servers get: the chat's, without any variable that holds or
    /// may hold one of its keys — those `api_key_env` and `image_api_key_env` name, and the
    /// defaults `OPENROUTER_API_KEY` and `OPENAI_API_KEY` whatever the config names (a key
    /// left in the usual place is still a key). A server that needs one names it in its
    /// config's `env`.
    public func toolEnvironment(_ environment: [String: String]) -> [String: String] {
        var environment = environment
        for variable in [apiKeyEnv, imageAPIKeyEnv, "OPENROUTER_API_KEY", "OPENAI_API_KEY"] {
            environment[variable] = nil
        }
        return environment
    }
}
