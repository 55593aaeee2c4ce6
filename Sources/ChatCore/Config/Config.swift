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
    public var allowInsecureHTTP: Bool?
    public var maxAnswerMB: Int?
    public var maxAttachmentMB: Int?

    public init() {}

    /// Every key the file may hold, in the order `config.sample.json` documents them.
    public static let knownKeys = [
        "model", "system_prompt", "base_url", "api_key_env", "referer", "title", "stream", "temperature",
        "max_tokens", "timeout_seconds", "max_retries", "history_file", "fallback_models", "color",
        "image_model", "image_dir", "image_provider", "image_base_url", "image_api_key_env",
        "max_answer_mb", "max_attachment_mb", "allow_insecure_http",
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
            func string() throws(ConfigError) -> String {
                guard case .string(let s) = value else {
                    throw .wrongType(path: path, key: key, expected: "a string", found: value.typeName)
                }
                return s
            }
            func nonEmpty() throws(ConfigError) -> String {
                let s = try string()
                if s.trimmingWhitespace().isEmpty { throw .invalid(path: path, key: key, reason: "must not be empty") }
                return s
            }
            func number(_ range: ClosedRange<Double>) throws(ConfigError) -> Double {
                guard case .number(let n) = value else {
                    throw .wrongType(path: path, key: key, expected: "a number", found: value.typeName)
                }
                guard range.contains(n) else {
                    throw .invalid(
                        path: path, key: key, reason: "must be between \(fmt(range.lowerBound)) and \(fmt(range.upperBound)), got \(fmt(n))"
                    )
                }
                return n
            }
            func integer(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
                guard case .number(let n) = value, n == n.rounded(), abs(n) < 1e12 else {
                    throw .wrongType(path: path, key: key, expected: "an integer", found: value.typeName)
                }
                guard range.contains(Int(n)) else {
                    throw .invalid(
                        path: path, key: key, reason: "must be between \(range.lowerBound) and \(range.upperBound), got \(Int(n))")
                }
                return Int(n)
            }
            func url() throws(ConfigError) -> String {
                let s = try nonEmpty()
                guard s.hasPrefix("http://") || s.hasPrefix("https://") else {
                    throw .invalid(path: path, key: key, reason: "must be an http:// or https:// URL, got \"\(s)\"")
                }
                return s
            }
            func headerText() throws(ConfigError) -> String {
                let s = try string()
                // Sent as a header: a control character would break the request.
                if s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
                    throw .invalid(path: path, key: key, reason: "must be one line without control characters")
                }
                return s
            }
            func bool() throws(ConfigError) -> Bool {
                guard case .bool(let b) = value else {
                    throw .wrongType(path: path, key: key, expected: "true or false", found: value.typeName)
                }
                return b
            }
            func envName() throws(ConfigError) -> String {
                let s = try nonEmpty()
                if looksLikeAPIKey(s) { throw .secretInConfig(path: path, key: key) }
                guard isValidEnvironmentName(s) else {
                    throw .invalid(
                        path: path, key: key, reason: "must be the name of an environment variable (letters, digits, _), got \"\(s)\"")
                }
                return s
            }
            switch key {
            case "model": config.model = try nonEmpty()
            case "system_prompt": config.systemPrompt = try string()
            case "base_url": config.baseURL = try url()
            case "api_key_env": config.apiKeyEnv = try envName()
            case "referer": config.referer = try headerText()
            case "title": config.title = try headerText()
            case "stream": config.stream = try bool()
            case "allow_insecure_http": config.allowInsecureHTTP = try bool()
            case "max_answer_mb": config.maxAnswerMB = try integer(1...4096)
            case "max_attachment_mb": config.maxAttachmentMB = try integer(1...1024)
            case "temperature": config.temperature = try number(0...2)
            case "max_tokens": config.maxTokens = try integer(1...10_000_000)
            case "timeout_seconds": config.timeoutSeconds = try number(0.1...86_400)
            case "max_retries": config.maxRetries = try integer(0...10)
            case "history_file": config.historyFile = try nonEmpty()
            case "fallback_models":
                guard case .array(let items) = value else {
                    throw .wrongType(path: path, key: key, expected: "an array of model ids", found: value.typeName)
                }
                var ids: [String] = []
                for item in items {
                    guard case .string(let id) = item, !id.trimmingWhitespace().isEmpty else {
                        throw .wrongType(
                            path: path, key: key, expected: "an array of model ids (strings)", found: "an array holding \(item.typeName)")
                    }
                    ids.append(id)
                }
                config.fallbackModels = ids
            case "color":
                let s = try string()
                guard let mode = ColorMode(rawValue: s) else {
                    throw .invalid(path: path, key: key, reason: "must be \"auto\", \"always\" or \"never\", got \"\(s)\"")
                }
                config.color = mode
            case "image_model": config.imageModel = try nonEmpty()
            case "image_dir": config.imageDir = try nonEmpty()
            case "image_provider":
                let s = try string()
                guard let provider = ImageProvider(rawValue: s) else {
                    throw .invalid(path: path, key: key, reason: "must be \"openrouter\" or \"openai\", got \"\(s)\"")
                }
                config.imageProvider = provider
            case "image_base_url": config.imageBaseURL = try url()
            case "image_api_key_env": config.imageAPIKeyEnv = try envName()
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

func fmt(_ d: Double) -> String { d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d) }

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: [Character], _ b: [Character]) -> Int {
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for (i, ca) in a.enumerated() {
        var current = [i + 1] + Array(repeating: 0, count: b.count)
        for (j, cb) in b.enumerated() {
            current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

/// Whether `s` looks like an API key rather than a variable name.
func looksLikeAPIKey(_ s: String) -> Bool {
    s.hasPrefix("sk-") || s.hasPrefix("Bearer ") || (s.count >= 32 && s.contains("-") && s.lowercased() == s)
}

func isValidEnvironmentName(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
    return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
}

/// When to colour output.
public enum ColorMode: String, Sendable, Equatable {
    case auto, always, never
}

/// Who generates images.
public enum ImageProvider: String, Sendable, Equatable {
    case openrouter, openai
}

/// A config or usage problem. Each renders as one line naming the file and the key,
/// or the line and column of a JSON error; the process exits with code 2.
public enum ConfigError: Error, Sendable, Equatable {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, column: Int, reason: String)
    case unknownKey(path: String, key: String, suggestion: String?)
    case wrongType(path: String, key: String, expected: String, found: String)
    case invalid(path: String, key: String?, reason: String)
    case secretInConfig(path: String, key: String)
    /// A setting that is wrong after flags, environment and file were combined.
    case setting(key: String, reason: String)

    /// The one-line message.
    public var message: String {
        switch self {
        case .missingFile(let path):
            return "config file \(path) does not exist; create it (see config.sample.json) or drop --config"
        case .unreadable(let path, let reason):
            return "cannot read config file \(path): \(reason)"
        case .syntax(let path, let line, let column, let reason):
            return "config file \(path) is not valid JSON: \(reason) at line \(line), column \(column)"
        case .unknownKey(let path, let key, let suggestion):
            return "config file \(path): unknown key \"\(key)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")
                + "; see config.sample.json for the keys"
        case .wrongType(let path, let key, let expected, let found):
            return "config file \(path): key \"\(key)\" must be \(expected), not \(found)"
        case .invalid(let path, let key, let reason):
            return "config file \(path): " + (key.map { "key \"\($0)\" " } ?? "") + reason
        case .setting(let key, let reason):
            return "\(key) \(reason)"
        case .secretInConfig(let path, let key):
            return
                "config file \(path): key \"\(key)\" would store the API key in the file; remove it, export the key in the environment and name that variable with \"api_key_env\" (default OPENROUTER_API_KEY)"
        }
    }
}

/// The settings in force after applying flags > environment > config file > defaults.
public struct Settings: Sendable, Equatable {
    public static let defaultModel = "google/gemini-2.5-flash"
    public static let defaultBaseURL = "https://openrouter.ai/api/v1"

    public var model = Settings.defaultModel
    public var systemPrompt: String?
    public var baseURL = Settings.defaultBaseURL
    public var apiKeyEnv = "OPENROUTER_API_KEY"
    public var referer = "https://bankfuture.com"
    public var title = "BankFuture"
    public var stream = true
    public var temperature: Double?
    public var maxTokens: Int?
    public var timeoutSeconds: Double = 60
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

    /// Values given on the command line (nil = not given).
    public struct Flags: Sendable, Equatable {
        public var model: String?
        public var systemPrompt: String?
        public var baseURL: String?
        public var noStream = false
        public var temperature: Double?
        public var maxTokens: Int?
        public var allowInsecureHTTP = false

        public init(
            model: String? = nil, systemPrompt: String? = nil, baseURL: String? = nil, noStream: Bool = false,
            temperature: Double? = nil, maxTokens: Int? = nil, allowInsecureHTTP: Bool = false
        ) {
            self.allowInsecureHTTP = allowInsecureHTTP
            self.model = model
            self.systemPrompt = systemPrompt
            self.baseURL = baseURL
            self.noStream = noStream
            self.temperature = temperature
            self.maxTokens = maxTokens
        }
    }

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

    static func configHome(_ environment: [String: String]) -> String {
        if let x = environment["XDG_CONFIG_HOME"], x.hasPrefix("/") { return x }
        return home(environment) + "/.config"
    }

    static func stateHome(_ environment: [String: String]) -> String {
        if let x = environment["XDG_STATE_HOME"], x.hasPrefix("/") { return x }
        return home(environment) + "/.local/state"
    }

    /// Applies the layers in order of precedence.
    public init(file: ConfigFile, environment: [String: String], flags: Flags) throws(ConfigError) {
        stateDirectory = Self.stateHome(environment) + "/bankfuture-chat"
        historyFile = stateDirectory + "/history"

        // Config file.
        if let v = file.model { model = v }
        if let v = file.systemPrompt { systemPrompt = v }
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

        // Environment.
        if let v = environment["OPENROUTER_BASE_URL"], !v.isEmpty { baseURL = v }
        if let v = environment["NO_COLOR"], !v.isEmpty { noColorEnv = true }

        // Flags.
        if let v = flags.model { model = v }
        if let v = flags.systemPrompt { systemPrompt = v }
        if let v = flags.baseURL { baseURL = v }
        if flags.noStream { stream = false }
        if let v = flags.temperature { temperature = v }
        if let v = flags.maxTokens { maxTokens = v }
        if flags.allowInsecureHTTP { allowInsecureHTTP = true }

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
        RequestParameters(temperature: temperature, maxTokens: maxTokens)
    }
}
