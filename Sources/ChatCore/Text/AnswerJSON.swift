/// A tool call made while answering, for `--json`.
public struct ToolCallRecord: Sendable, Equatable {
    /// `SERVER.TOOL`.
    public var tool: String
    /// The arguments as the model wrote them.
    public var arguments: String
    public var result: String
    public var isError: Bool
    /// Whether it was approved and run.
    public var approved: Bool

    public init(tool: String, arguments: String, result: String, isError: Bool, approved: Bool) {
        self.tool = tool
        self.arguments = arguments
        self.result = result
        self.isError = isError
        self.approved = approved
    }
}

extension ChatResponse {
    /// The one JSON object of `--json`: `{"content","model","usage"}`, with `citations` and
    /// `tool_calls` when there are any. `usage` is the server's object as received. Every
    /// control character, C1 included, is escaped.
    public func jsonObject(requestedModel: String, toolCalls: [ToolCallRecord] = []) -> String {
        var out = JSONWriter()
        out.raw("{\"content\":")
        out.string(content)
        out.raw(",\"model\":")
        out.string(model ?? requestedModel)
        out.raw(",\"usage\":")
        if let raw = usage?.raw {
            out.raw(raw.text)
        } else if let usage {
            out.raw(
                "{\"prompt_tokens\":\(usage.promptTokens),\"completion_tokens\":\(usage.completionTokens),\"total_tokens\":\(usage.totalTokens)"
            )
            if let cost = usage.cost {
                out.raw(",\"cost\":")
                out.number(cost)
            }
            if let cached = usage.cachedTokens { out.raw(",\"prompt_tokens_details\":{\"cached_tokens\":\(cached)}") }
            if let reasoning = usage.reasoningTokens { out.raw(",\"completion_tokens_details\":{\"reasoning_tokens\":\(reasoning)}") }
            out.raw("}")
        } else {
            out.raw("null")
        }
        if !citations.isEmpty {
            out.raw(",\"citations\":[")
            for (i, citation) in citations.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw("{\"url\":")
                out.string(citation.url)
                out.raw(",\"title\":")
                if let title = citation.title { out.string(title) } else { out.raw("null") }
                out.raw("}")
            }
            out.raw("]")
        }
        if !toolCalls.isEmpty {
            out.raw(",\"tool_calls\":[")
            for (i, call) in toolCalls.enumerated() {
                if i > 0 { out.raw(",") }
                out.raw("{\"tool\":")
                out.string(call.tool)
                out.raw(",\"arguments\":")
                out.string(call.arguments)
                out.raw(",\"approved\":\(call.approved),\"is_error\":\(call.isError),\"result\":")
                out.string(call.result)
                out.raw("}")
            }
            out.raw("]")
        }
        out.raw("}")
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
