/// What is said around an answer: its usage line, a notice when it did not end normally,
/// and the sources it cites. Every renderer and `--json` use these words.
public enum AnswerNotes {
    /// `[model · N in / M out tokens · K cached · R reasoning · $cost]`, or nil without usage.
    public static func usageLine(_ response: ChatResponse) -> String? {
        guard let usage = response.usage else { return nil }
        var parts: [String] = []
        if let model = response.model, !model.isEmpty { parts.append(model) }
        parts.append("\(usage.promptTokens) in / \(usage.completionTokens) out tokens")
        if let cached = usage.cachedTokens, cached > 0 { parts.append("\(cached) cached") }
        if let reasoning = usage.reasoningTokens, reasoning > 0 { parts.append("\(reasoning) reasoning") }
        if let cost = usage.cost { parts.append(UsageText.cost(cost)) }
        return "[" + parts.joined(separator: " · ") + "]"
    }

    /// A notice when the answer was cut or filtered, or came back empty after thinking.
    public static func finishNotice(_ response: ChatResponse) -> String? {
        switch response.finishReason {
        case "length":
            if response.content.isEmpty && response.toolCalls.isEmpty {
                return
                    "the answer is empty: the model spent its whole token budget (max_tokens) on reasoning; raise max_tokens or lower reasoning"
            }
            return "the answer was cut short: it reached the token limit (max_tokens); raise it with /set max_tokens or --max-tokens"
        case "content_filter":
            return "the answer was stopped by the provider's content filter"
        default:
            if response.content.isEmpty && response.toolCalls.isEmpty && response.images.isEmpty,
                let reasoning = response.usage?.reasoningTokens, reasoning > 0
            {
                return
                    "the answer is empty: the model spent \(reasoning) tokens reasoning and wrote nothing; raise max_tokens or lower reasoning"
            }
            return nil
        }
    }

    /// `[1] Title — https://…`, one line per source, numbered in order.
    public static func sourceLines(_ citations: [Citation]) -> [String] {
        citations.enumerated().map { index, citation in
            let title = citation.title.map { TerminalText.oneLine($0, limit: 200) } ?? ""
            let url = TerminalText.visibleLine(citation.url, limit: WebLink.maxLength)
            return "[\(index + 1)] " + (title.isEmpty ? url : "\(title) — \(url)")
        }
    }
}
