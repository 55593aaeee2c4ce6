/// Token counts and cost of one answer, as the API reports them.
public struct Usage: Sendable, Equatable {
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    /// Cost in USD, when the API reports it.
    public var cost: Double?
    /// `prompt_tokens_details.cached_tokens`: prompt tokens read from the provider's cache.
    public var cachedTokens: Int?
    /// `completion_tokens_details.reasoning_tokens`: completion tokens spent thinking.
    public var reasoningTokens: Int?
    /// The usage object as the server sent it (for `--json`).
    public var raw: RawJSON?

    public init(
        promptTokens: Int = 0, completionTokens: Int = 0, totalTokens: Int? = nil, cost: Double? = nil, cachedTokens: Int? = nil,
        reasoningTokens: Int? = nil, raw: RawJSON? = nil
    ) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        // Saturating: the counts may come from a file or a server (9223372036854775807 + 1 must not trap).
        self.totalTokens = totalTokens ?? Self.add(promptTokens, completionTokens)
        self.cost = cost
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
        self.raw = raw
    }

    /// Equal counts and cost; how the server wrote the object does not matter.
    public static func == (a: Usage, b: Usage) -> Bool {
        a.promptTokens == b.promptTokens && a.completionTokens == b.completionTokens && a.totalTokens == b.totalTokens
            && a.cost == b.cost && a.cachedTokens == b.cachedTokens && a.reasoningTokens == b.reasoningTokens
    }

    /// Sums two usages (for session totals); the raw objects are not summed.
    public static func + (a: Usage, b: Usage) -> Usage {
        func sum(_ x: Int?, _ y: Int?) -> Int? { x == nil && y == nil ? nil : add(x ?? 0, y ?? 0) }
        let cost: Double? = (a.cost == nil && b.cost == nil) ? nil : (a.cost ?? 0) + (b.cost ?? 0)
        return Usage(
            promptTokens: add(a.promptTokens, b.promptTokens), completionTokens: add(a.completionTokens, b.completionTokens),
            totalTokens: add(a.totalTokens, b.totalTokens), cost: cost, cachedTokens: sum(a.cachedTokens, b.cachedTokens),
            reasoningTokens: sum(a.reasoningTokens, b.reasoningTokens))
    }

    /// `a + b`, held at `Int.max` instead of overflowing.
    static func add(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (a < 0 ? Int.min : Int.max) : sum
    }
}
