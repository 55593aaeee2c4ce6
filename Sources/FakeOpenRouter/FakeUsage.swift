/// Token counts and cost reported in a reply's `usage` object.
///
/// Encoded as OpenRouter sends it: the counts and `cost`, then `is_byok`,
/// `prompt_tokens_details.cached_tokens`, `cost_details.upstream_inference_cost` (null, as for
/// a key that is not BYOK) and `completion_tokens_details.reasoning_tokens`.
public struct FakeUsage: Sendable, Equatable {
    /// `usage.prompt_tokens`.
    public var promptTokens: Int
    /// `usage.completion_tokens`.
    public var completionTokens: Int
    /// `usage.cost` in USD; `nil` omits the field, as some providers do.
    public var cost: Double?
    /// `usage.prompt_tokens_details.cached_tokens`: prompt tokens read from the cache.
    public var cachedTokens: Int
    /// `usage.completion_tokens_details.reasoning_tokens`: completion tokens spent thinking.
    public var reasoningTokens: Int

    /// Creates a usage record; `total_tokens` is always the sum of the two counts.
    public init(
        promptTokens: Int = 10, completionTokens: Int = 5, cost: Double? = 0.00012, cachedTokens: Int = 0,
        reasoningTokens: Int = 0
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.cost = cost
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
    }

    /// `prompt_tokens + completion_tokens`.
    public var totalTokens: Int { promptTokens + completionTokens }

    var json: JSONText {
        var members: [(String, JSONText)] = [
            ("prompt_tokens", .int(promptTokens)),
            ("completion_tokens", .int(completionTokens)),
            ("total_tokens", .int(totalTokens)),
        ]
        if let cost { members.append(("cost", .double(cost))) }
        members += [
            ("is_byok", .bool(false)),
            ("prompt_tokens_details", .object([("cached_tokens", .int(cachedTokens))])),
            ("cost_details", .object([("upstream_inference_cost", .null)])),
            ("completion_tokens_details", .object([("reasoning_tokens", .int(reasoningTokens))])),
        ]
        return .object(members)
    }

    /// This usage with half the prompt read from the cache when `request` asks for caching with a
    /// top-level `cache_control`, as Anthropic's automatic caching reports on a repeated prefix.
    func caching(for request: RecordedRequest) -> FakeUsage {
        var usage = self
        if request.json?["cache_control"] != nil { usage.cachedTokens = promptTokens / 2 }
        return usage
    }
}
