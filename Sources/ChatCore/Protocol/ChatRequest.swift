/// One `POST /chat/completions` request, built by `ChatSession` and sent by a transport.
public struct ChatRequest: Sendable, Equatable {
    public var model: String
    /// System prompt first (when there is one), then the history oldest first, then the new user message.
    public var messages: [ChatMessage]
    public var parameters: RequestParameters
    /// Fallback models for OpenRouter's `models` field (the primary model is listed first when non-empty).
    public var fallbackModels: [String]
    /// Functions the model may call (`tools`); none when empty.
    public var tools: [ToolDefinition]

    public init(
        model: String, messages: [ChatMessage], parameters: RequestParameters = .init(), fallbackModels: [String] = [],
        tools: [ToolDefinition] = []
    ) {
        self.model = model
        self.messages = messages
        self.parameters = parameters
        self.fallbackModels = fallbackModels
        self.tools = tools
    }

    /// Whether the answer is asked for as a stream (``RequestParameters/stream``).
    public var stream: Bool {
        get { parameters.stream }
        set { parameters.stream = newValue }
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
        if let reasoning = parameters.reasoning {
            out.raw(",\"reasoning\":")
            out.raw(reasoning.json)
        }
        if !parameters.provider.isEmpty {
            out.raw(",\"provider\":")
            out.value(parameters.provider.json)
        }
        var plugins: [JSONValue] = []
        if let web = parameters.webSearch { plugins.append(web.plugin) }
        if let engine = parameters.pdfEngine, messages.contains(where: { $0.attachments.contains { $0.kind == .pdf } }) {
            plugins.append(.object([("id", .string("file-parser")), ("pdf", .object([("engine", .string(engine))]))]))
        }
        if !plugins.isEmpty {
            out.raw(",\"plugins\":")
            out.value(.array(plugins))
        }
        if let schema = parameters.responseSchema {
            out.raw(",\"response_format\":{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"answer\",\"strict\":true,\"schema\":")
            out.raw(schema.text)
            out.raw("}}")
        }
        if parameters.promptCache && model.hasPrefix("anthropic/") {
            // Anthropic's automatic caching: the breakpoint moves with the conversation.
            out.raw(",\"cache_control\":{\"type\":\"ephemeral\"}")
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
