/// How much the model should reason (OpenRouter's `reasoning` object).
public enum ReasoningSetting: Sendable, Equatable {
    /// `{"effort": "low"|"medium"|"high"}`.
    case effort(String)
    /// `{"exclude": true}`: reasoning is not returned (and not shown).
    case off
}

/// Optional request parameters that go into every request when set.
public struct RequestParameters: Sendable, Equatable {
    public var temperature: Double?
    public var maxTokens: Int?
    public var topP: Double?
    public var reasoning: ReasoningSetting?
    /// Provider routing: `provider.order`.
    public var providerOrder: [String]
    /// Provider routing: `provider.allow_fallbacks`.
    public var allowFallbacks: Bool?

    public init(
        temperature: Double? = nil, maxTokens: Int? = nil, topP: Double? = nil, reasoning: ReasoningSetting? = nil,
        providerOrder: [String] = [], allowFallbacks: Bool? = nil
    ) {
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.topP = topP
        self.reasoning = reasoning
        self.providerOrder = providerOrder
        self.allowFallbacks = allowFallbacks
    }
}

/// One `POST /chat/completions` request, built by `ChatSession` and sent by a transport.
public struct ChatRequest: Sendable, Equatable {
    public var model: String
    /// System prompt first (when there is one), then the history oldest first, then the new user message.
    public var messages: [ChatMessage]
    public var stream: Bool
    public var parameters: RequestParameters
    /// Fallback models for OpenRouter's `models` field (the primary model is listed first when non-empty).
    public var fallbackModels: [String]
    /// Functions the model may call (`tools`); none when empty.
    public var tools: [ToolDefinition]

    public init(
        model: String, messages: [ChatMessage], stream: Bool,
        parameters: RequestParameters = .init(), fallbackModels: [String] = [], tools: [ToolDefinition] = []
    ) {
        self.model = model
        self.messages = messages
        self.stream = stream
        self.parameters = parameters
        self.fallbackModels = fallbackModels
        self.tools = tools
    }

    /// The JSON body of the request in one buffer.
    public func jsonBody() -> [UInt8] { body().bytes }

    /// The JSON body of the request, with large attachments taken by reference.
    public func body() -> RequestBody {
        var out = JSONWriter()
        // Room for the wrapper of each message (`{"role":"assistant","content":""},` is 34
        // bytes) and some escapes, so a long history is written without reallocating.
        out.reserve(messages.reduce(128) { $0 + $1.encodedSizeEstimate })
        out.raw("{\"model\":")
        out.string(model)
        out.raw(",\"messages\":[")
        for (i, message) in messages.enumerated() {
            if i > 0 { out.raw(",") }
            out.message(message)
        }
        out.raw("]")
        if !tools.isEmpty {
            out.raw(",\"tools\":[")
            for (i, tool) in tools.enumerated() {
                if i > 0 { out.raw(",") }
                out.tool(tool)
            }
            out.raw("]")
        }
        out.raw(",\"stream\":")
        out.raw(stream ? "true" : "false")
        if let temperature = parameters.temperature {
            out.raw(",\"temperature\":")
            out.number(temperature)
        }
        if let maxTokens = parameters.maxTokens {
            out.raw(",\"max_tokens\":")
            out.raw(String(maxTokens))
        }
        if let topP = parameters.topP {
            out.raw(",\"top_p\":")
            out.number(topP)
        }
        switch parameters.reasoning {
        case .effort(let effort)?:
            out.raw(",\"reasoning\":{\"effort\":")
            out.string(effort)
            out.raw("}")
        case .off?:
            out.raw(",\"reasoning\":{\"exclude\":true}")
        case nil:
            break
        }
        if !parameters.providerOrder.isEmpty || parameters.allowFallbacks != nil {
            out.raw(",\"provider\":{")
            var first = true
            if !parameters.providerOrder.isEmpty {
                out.raw("\"order\":[")
                for (i, name) in parameters.providerOrder.enumerated() {
                    if i > 0 { out.raw(",") }
                    out.string(name)
                }
                out.raw("]")
                first = false
            }
            if let allow = parameters.allowFallbacks {
                out.raw((first ? "" : ",") + "\"allow_fallbacks\":" + (allow ? "true" : "false"))
            }
            out.raw("}")
        }
        if !fallbackModels.isEmpty {
            out.raw(",\"models\":[")
            let all = [model] + fallbackModels.filter { $0 != model }
            for (i, id) in all.enumerated() {
                if i > 0 { out.raw(",") }
                out.string(id)
            }
            out.raw("]")
        }
        if stream {
            // Ask for the final usage chunk explicitly; OpenRouter sends it anyway.
            out.raw(",\"stream_options\":{\"include_usage\":true}")
        }
        out.raw("}")
        return out.body()
    }
}

/// A function offered to the model: `{"type":"function","function":{"name","description","parameters"}}`.
public struct ToolDefinition: Sendable, Equatable {
    /// `[A-Za-z0-9_-]`, at most 64 characters.
    public var name: String
    public var description: String
    /// The input JSON Schema, as the tool's server gave it.
    public var parameters: RawJSON

    public init(name: String, description: String, parameters: RawJSON) {
        self.name = name
        self.description = description
        self.parameters = parameters
    }
}
