/// `/set KEY VALUE`: request parameters with their valid ranges.
public enum RequestSettings {
    /// The keys `/set` knows, with the values each takes.
    public static let keys: [(key: String, values: String)] = [
        ("temperature", "0 to 2, or default"),
        ("max_tokens", "an integer from 1, or default"),
        ("top_p", "0 to 1, or default"),
        ("reasoning", "low, medium, high, off, or default"),
        ("provider", "provider names in order, comma-separated (e.g. openai,together), or default"),
        ("allow_fallbacks", "true, false, or default"),
        ("stream", "on or off"),
    ]

    /// A value that `/set` refuses, with the valid range.
    public struct Invalid: Error, Sendable, Equatable {
        public var message: String
    }

    /// Applies `/set key value`.
    public static func apply(key: String, value: String, to parameters: inout RequestParameters, stream: inout Bool) throws(Invalid) {
        let v = value.trimmingWhitespace()
        let reset = v.lowercased() == "default" || v.lowercased() == "none"
        func range(_ name: String) -> String { keys.first { $0.key == name }?.values ?? "" }
        func number(_ name: String, _ bounds: ClosedRange<Double>) throws(Invalid) -> Double {
            guard let n = Double(v), bounds.contains(n) else {
                throw Invalid(message: "\(name) must be \(range(name)); got \"\(v)\"")
            }
            return n
        }
        switch key.lowercased() {
        case "temperature":
            parameters.temperature = reset ? nil : try number("temperature", 0...2)
        case "top_p":
            parameters.topP = reset ? nil : try number("top_p", 0...1)
        case "max_tokens":
            if reset {
                parameters.maxTokens = nil
            } else {
                guard let n = Int(v), n >= 1 else { throw Invalid(message: "max_tokens must be \(range("max_tokens")); got \"\(v)\"") }
                parameters.maxTokens = n
            }
        case "reasoning":
            switch v.lowercased() {
            case "low", "medium", "high": parameters.reasoning = .effort(v.lowercased())
            case "off": parameters.reasoning = .off
            case "default", "none", "on": parameters.reasoning = nil
            default: throw Invalid(message: "reasoning must be \(range("reasoning")); got \"\(v)\"")
            }
        case "provider":
            parameters.providerOrder = reset ? [] : v.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        case "allow_fallbacks":
            switch v.lowercased() {
            case "true", "on", "yes": parameters.allowFallbacks = true
            case "false", "off", "no": parameters.allowFallbacks = false
            case "default", "none": parameters.allowFallbacks = nil
            default: throw Invalid(message: "allow_fallbacks must be \(range("allow_fallbacks")); got \"\(v)\"")
            }
        case "stream":
            switch v.lowercased() {
            case "on", "true", "yes": stream = true
            case "off", "false", "no": stream = false
            default: throw Invalid(message: "stream must be on or off; got \"\(v)\"")
            }
        default:
            throw Invalid(message: "unknown setting \"\(key)\"; settings: " + keys.map(\.key).joined(separator: ", "))
        }
    }

    /// One line per setting with its current value.
    public static func describe(_ parameters: RequestParameters, stream: Bool) -> String {
        func show(_ value: String?) -> String { value ?? "default" }
        let reasoning: String? = switch parameters.reasoning {
        case .effort(let e)?: e
        case .off?: "off"
        case nil: nil
        }
        let rows: [(String, String)] = [
            ("temperature", show(parameters.temperature.map { fmt($0) })),
            ("max_tokens", show(parameters.maxTokens.map(String.init))),
            ("top_p", show(parameters.topP.map { fmt($0) })),
            ("reasoning", show(reasoning)),
            ("provider", parameters.providerOrder.isEmpty ? "default" : parameters.providerOrder.joined(separator: ",")),
            ("allow_fallbacks", show(parameters.allowFallbacks.map { $0 ? "true" : "false" })),
            ("stream", stream ? "on" : "off"),
        ]
        return rows.map { $0.0.padding(16) + $0.1 }.joined(separator: "\n") + "\n"
    }
}

/// Fits a conversation into a model's context window by dropping the oldest turns from
/// the request (never the system prompt, never the new message). The session's own
/// history, and so the saved transcript, keeps everything.
public enum ContextWindow {
    /// A rough token estimate: about four characters per token, plus framing per message.
    public static func estimateTokens(_ messages: some Collection<ChatMessage>) -> Int {
        messages.reduce(0) { $0 + ($1.content.utf8.count + 3) / 4 + 4 }
    }

    /// Drops whole user/assistant pairs from the start of the history until the request fits
    /// `contextLength` minus the answer budget. Returns the request and how many messages were dropped.
    public static func fit(_ request: ChatRequest, contextLength: Int) -> (ChatRequest, dropped: Int) {
        let answerBudget = request.parameters.maxTokens ?? min(4096, contextLength / 4)
        let limit = contextLength - answerBudget
        var messages = request.messages
        var total = estimateTokens(messages)
        guard total > limit else { return (request, 0) }
        let first = messages.first?.role == .system ? 1 : 0
        var dropped = 0
        // Keep the final (new) message; drop from the oldest history message on.
        while total > limit, messages.count - first > 1 {
            var cut = 1
            if messages[first].role == .user, messages.count - first > 2, messages[first + 1].role == .assistant { cut = 2 }
            total -= estimateTokens(messages[first..<(first + cut)])
            messages.removeSubrange(first..<(first + cut))
            dropped += cut
        }
        var trimmed = request
        trimmed.messages = messages
        return (trimmed, dropped)
    }

    /// Keeps the newest half of the history (after the API said the context was exceeded).
    public static func halve(_ request: ChatRequest) -> (ChatRequest, dropped: Int) {
        let first = request.messages.first?.role == .system ? 1 : 0
        let history = request.messages.count - first - 1
        guard history > 0 else { return (request, 0) }
        var drop = (history + 1) / 2
        if drop % 2 == 1, drop < history { drop += 1 }
        var trimmed = request
        trimmed.messages.removeSubrange(first..<(first + drop))
        return (trimmed, drop)
    }

    /// Whether an error says the request was too long for the model.
    public static func isContextExceeded(_ error: ChatError) -> Bool {
        guard case .api(let info, false) = error else { return false }
        let text = (info.message + " " + (info.code ?? "")).lowercased()
        return text.contains("context_length_exceeded") || (text.contains("context") && (text.contains("length") || text.contains("exceed") || text.contains("too long")))
    }
}
