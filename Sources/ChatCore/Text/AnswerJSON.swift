extension ChatResponse {
    /// The one JSON object of `--json`: `{"content","model","usage"}`. Every control
    /// character, C1 included, is escaped.
    public func jsonObject(requestedModel: String) -> String {
        var out = JSONWriter()
        out.raw("{\"content\":")
        out.string(content)
        out.raw(",\"model\":")
        out.string(model ?? requestedModel)
        out.raw(",\"usage\":")
        if let usage {
            out.raw(
                "{\"prompt_tokens\":\(usage.promptTokens),\"completion_tokens\":\(usage.completionTokens),\"total_tokens\":\(usage.totalTokens)"
            )
            if let cost = usage.cost {
                out.raw(",\"cost\":")
                out.raw(String(cost))
            }
            out.raw("}")
        } else {
            out.raw("null")
        }
        out.raw("}")
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
