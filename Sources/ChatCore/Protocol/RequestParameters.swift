/// How much the model should reason: OpenRouter's `reasoning` object.
public enum ReasoningSetting: Sendable, Equatable {
    /// `{"effort": V}`: `minimal`, `low`, `medium`, `high`, `xhigh`, `max`, or `none` (off).
    case effort(String)
    /// `{"max_tokens": N}`: a thinking budget in tokens (the Anthropic and Gemini way).
    case tokens(Int)
    /// `{"exclude": true}`: the model reasons (and bills) but does not return it.
    case hidden
    /// `{"enabled": true}`: reasoning at the model's default effort.
    case enabled

    /// What Tab offers after `/set reasoning`.
    public static let completions = efforts + ["none", "hide", "on", "default"]

    /// The effort levels, lowest first.
    public static let efforts = ["minimal", "low", "medium", "high", "xhigh", "max"]

    /// What the values of `--reasoning`, config `reasoning` and `/set reasoning` may be.
    public static let values = "minimal, low, medium, high, xhigh, max, none (or off), N (a token budget), hide, on, or default"

    /// The setting a value names; `.success(nil)` for `default` (no field sent).
    public static func parse(_ text: String) -> Result<ReasoningSetting?, UsageError> {
        let value = text.trimmingWhitespace().lowercased()
        if efforts.contains(value) { return .success(.effort(value)) }
        switch value {
        case "none", "off": return .success(.effort("none"))
        case "hide", "hidden": return .success(.hidden)
        case "on", "enabled": return .success(.enabled)
        case "default", "": return .success(nil)
        default:
            if let tokens = Int(value), tokens >= 1, tokens <= 10_000_000 { return .success(.tokens(tokens)) }
            return .failure(UsageError("reasoning must be \(values); got \"\(text)\""))
        }
    }

    /// The value as `/set` shows it.
    public var shown: String {
        switch self {
        case .effort("none"): "none"
        case .effort(let effort): effort
        case .tokens(let n): "\(n) tokens"
        case .hidden: "hide"
        case .enabled: "on"
        }
    }

    /// The request field's JSON.
    var json: String {
        switch self {
        case .effort(let effort): "{\"effort\":\(JSONValue.quoted(effort))}"
        case .tokens(let n): "{\"max_tokens\":\(n)}"
        case .hidden: "{\"exclude\":true}"
        case .enabled: "{\"enabled\":true}"
        }
    }
}

/// The request settings that go into every request: whether the answer streams, and the
/// optional parameters, sent when set.
public struct RequestParameters: Sendable, Equatable {
    /// `stream`: the answer as Server-Sent Events (config `stream`, `--no-stream`, `/set stream`).
    public var stream: Bool
    public var temperature: Double?
    public var maxTokens: Int?
    public var topP: Double?
    public var reasoning: ReasoningSetting?
    /// OpenRouter's provider-routing object, sent as given.
    public var provider: ProviderRouting
    /// The web plugin, when web search is on.
    public var webSearch: WebSearch?
    /// `pdf_engine`: the file-parser plugin's engine, added when a PDF is attached.
    public var pdfEngine: String?
    /// `--schema`: the answer must be JSON matching it (`response_format`).
    public var responseSchema: RawJSON?
    /// `prompt_cache: auto`: Anthropic models get a top-level `cache_control`.
    public var promptCache: Bool

    public init(
        stream: Bool = true, temperature: Double? = nil, maxTokens: Int? = nil, topP: Double? = nil, reasoning: ReasoningSetting? = nil,
        provider: ProviderRouting = ProviderRouting(), webSearch: WebSearch? = nil, pdfEngine: String? = nil,
        responseSchema: RawJSON? = nil, promptCache: Bool = true
    ) {
        self.stream = stream
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.topP = topP
        self.reasoning = reasoning
        self.provider = provider
        self.webSearch = webSearch
        self.pdfEngine = pdfEngine
        self.responseSchema = responseSchema
        self.promptCache = promptCache
    }
}

/// OpenRouter's web plugin: `{"id":"web"}`, with `max_results` and `engine` when set.
public struct WebSearch: Sendable, Equatable {
    public var maxResults: Int?
    public var engine: String?

    public init(maxResults: Int? = nil, engine: String? = nil) {
        self.maxResults = maxResults
        self.engine = engine
    }

    var plugin: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("id", .string("web"))]
        if let maxResults { members.append(("max_results", .number(Double(maxResults)))) }
        if let engine { members.append(("engine", .string(engine))) }
        return .object(members)
    }
}
