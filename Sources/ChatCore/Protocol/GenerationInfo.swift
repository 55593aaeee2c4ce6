#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What OpenRouter recorded of one generation (`GET /generation?id=`): who served it, how
/// fast, the provider's own token counts, and what it cost.
public struct GenerationInfo: Sendable, Equatable {
    public var model: String?
    public var provider: String?
    /// Milliseconds from request to the end of the answer.
    public var latency: Double?
    /// Milliseconds the provider spent generating.
    public var generationTime: Double?
    public var nativePromptTokens: Int?
    public var nativeCompletionTokens: Int?
    public var nativeReasoningTokens: Int?
    public var nativeCachedTokens: Int?
    public var totalCost: Double?
    public var cacheDiscount: Double?
    public var finishReason: String?

    private struct Body: Decodable {
        struct Data: Decodable {
            var model: String?
            var provider_name: String?
            var latency: Double?
            var generation_time: Double?
            var native_tokens_prompt: Double?
            var native_tokens_completion: Double?
            var native_tokens_reasoning: Double?
            var native_tokens_cached: Double?
            var total_cost: Double?
            var cache_discount: Double?
            var finish_reason: String?
        }
        var data: Data
    }

    /// Decodes `{"data":{...}}`; anything else is a malformed response. No number traps.
    public init(decoding body: [UInt8]) throws(ChatError) {
        let decoded: Body
        do {
            decoded = try JSONDecoder().decode(Body.self, from: Data(body))
        } catch {
            throw .malformedResponse("the generation record is not {\"data\":{...}}")
        }
        let data = decoded.data
        func count(_ n: Double?) -> Int? { n.flatMap { $0.isFinite && $0 >= 0 && $0 < 1e15 ? Int($0) : nil } }
        func finite(_ n: Double?) -> Double? { n.flatMap { $0.isFinite && abs($0) < 1e12 ? $0 : nil } }
        model = data.model
        provider = data.provider_name
        latency = finite(data.latency)
        generationTime = finite(data.generation_time)
        nativePromptTokens = count(data.native_tokens_prompt)
        nativeCompletionTokens = count(data.native_tokens_completion)
        nativeReasoningTokens = count(data.native_tokens_reasoning)
        nativeCachedTokens = count(data.native_tokens_cached)
        totalCost = ChatCompletionDecoder.money(data.total_cost)
        cacheDiscount = finite(data.cache_discount)
        finishReason = data.finish_reason
    }

    /// Lines for the terminal.
    public var lines: [String] {
        var lines: [String] = []
        func add(_ name: String, _ value: String?) { if let value { lines.append(name.padding(14) + value) } }
        add("model", model)
        add("provider", provider)
        add("latency", latency.map { "\(UsageText.seconds($0 / 1000)) s" })
        add("generation", generationTime.map { "\(UsageText.seconds($0 / 1000)) s" })
        let tokens = [
            nativePromptTokens.map { "\($0) prompt" }, nativeCompletionTokens.map { "\($0) completion" },
            nativeReasoningTokens.map { "\($0) reasoning" }, nativeCachedTokens.map { "\($0) cached" },
        ].compactMap { $0 }
        add("native tokens", tokens.isEmpty ? nil : tokens.joined(separator: ", "))
        add("cost", totalCost.map(UsageText.cost))
        add("cache discount", cacheDiscount.map { UsageText.cost(abs($0)) + ($0 < 0 ? " more (cache write)" : "") })
        add("finish", finishReason)
        return lines
    }
}
