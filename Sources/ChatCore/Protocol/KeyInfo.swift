#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What `GET /key` says about the key: spending and limits, never the key or its label.
public struct KeyInfo: Sendable, Equatable {
    public var usage: Double?
    public var limit: Double?
    public var limitRemaining: Double?
    public var isFreeTier: Bool?
    /// `rate_limit`, deprecated by OpenRouter ("will always return -1"): read, never shown.
    public var rateLimit: String?
    public var usageDaily: Double?
    public var usageWeekly: Double?
    public var usageMonthly: Double?
    /// When the limit resets: `daily`, `weekly`, `monthly`; nil means never.
    public var limitReset: String?

    public init(
        usage: Double? = nil, limit: Double? = nil, limitRemaining: Double? = nil, isFreeTier: Bool? = nil, rateLimit: String? = nil,
        usageDaily: Double? = nil, usageWeekly: Double? = nil, usageMonthly: Double? = nil, limitReset: String? = nil
    ) {
        self.usage = usage
        self.limit = limit
        self.limitRemaining = limitRemaining
        self.isFreeTier = isFreeTier
        self.rateLimit = rateLimit
        self.usageDaily = usageDaily
        self.usageWeekly = usageWeekly
        self.usageMonthly = usageMonthly
        self.limitReset = limitReset
    }

    /// Decodes `{"data":{...}}` with `Codable`: numbers that are not numbers (or too large
    /// for Double) are absent, and `rate_limit` reads "N requests / INTERVAL".
    public static func parse(_ body: [UInt8]) throws(ChatError) -> KeyInfo {
        do {
            return try JSONDecoder().decode(Wire.self, from: Data(body)).data
        } catch {
            throw .malformedResponse("the key information is not {\"data\":{...}}")
        }
    }

    /// `{"data":{...}}`: `data` must be an object, its fields are read leniently.
    private struct Wire: Decodable {
        var data: KeyInfo

        enum CodingKeys: String, CodingKey { case data }
        enum DataKeys: String, CodingKey {
            case usage, limit, limitRemaining = "limit_remaining", isFreeTier = "is_free_tier", rateLimit = "rate_limit"
            case usageDaily = "usage_daily", usageWeekly = "usage_weekly", usageMonthly = "usage_monthly", limitReset = "limit_reset"
        }
        enum RateKeys: String, CodingKey { case requests, interval }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self).nestedContainer(keyedBy: DataKeys.self, forKey: .data)
            func number(_ key: DataKeys) -> Double? { (try? fields.decodeIfPresent(Double.self, forKey: key)) ?? nil }
            data = KeyInfo(usage: number(.usage), limit: number(.limit), limitRemaining: number(.limitRemaining))
            data.isFreeTier = (try? fields.decodeIfPresent(Bool.self, forKey: .isFreeTier)) ?? nil
            data.usageDaily = number(.usageDaily)
            data.usageWeekly = number(.usageWeekly)
            data.usageMonthly = number(.usageMonthly)
            data.limitReset = (try? fields.decodeIfPresent(String.self, forKey: .limitReset)) ?? nil
            if let rate = try? fields.nestedContainer(keyedBy: RateKeys.self, forKey: .rateLimit) {
                data.rateLimit = "\(Self.text(rate, .requests)) requests / \(Self.text(rate, .interval))"
            }
        }

        /// A small value as one line of text: a string as it is, a number without ".0";
        /// "?" when absent or of another shape.
        private static func text(_ rate: KeyedDecodingContainer<RateKeys>, _ key: RateKeys) -> String {
            guard rate.contains(key) else { return "?" }
            if (try? rate.decodeNil(forKey: key)) == true { return "null" }
            if let text = try? rate.decode(String.self, forKey: key) { return text }
            if let flag = try? rate.decode(Bool.self, forKey: key) { return String(flag) }
            if let number = try? rate.decode(Double.self, forKey: key) { return JSONProblem.number(number) }
            return "?"
        }
    }

    /// Lines for the terminal: what was used today, this week, this month and in all, the
    /// limit, what remains and when it resets. Never the deprecated `rate_limit`.
    public var lines: [String] {
        func dollars(_ v: Double?, digits: Int = 4) -> String? { v.map { "$" + ModelTable.formatDecimal($0, digits: digits) } }
        var lines: [String] = []
        if let today = dollars(usageDaily) { lines.append("used today:      \(today)") }
        if let week = dollars(usageWeekly) { lines.append("used this week:  \(week)") }
        if let month = dollars(usageMonthly) { lines.append("used this month: \(month)") }
        lines.append("used in all:     \(dollars(usage) ?? "unknown")")
        lines.append("limit:           \(dollars(limit, digits: 2) ?? "unlimited")")
        lines.append("remaining:       \(dollars(limitRemaining) ?? (limit == nil ? "unlimited" : "unknown"))")
        if limit != nil { lines.append("resets:          \(limitReset.map { TerminalText.oneLine($0, limit: 40) } ?? "never")") }
        if let isFreeTier { lines.append("free tier:       \(isFreeTier ? "yes" : "no")") }
        return lines
    }
}

extension ModelInfo {
    /// `--models --json`: an array of `{"id","name","context_length","pricing":{"prompt","completion"}}`.
    public static func jsonArray(_ models: [ModelInfo]) -> String {
        var out = JSONWriter()
        out.raw("[")
        for (i, m) in models.enumerated() {
            if i > 0 { out.raw(",") }
            out.raw("{\"id\":")
            out.string(m.id)
            out.raw(",\"name\":")
            out.string(m.name ?? m.id)
            out.raw(",\"context_length\":")
            out.raw(m.contextLength.map(String.init) ?? "null")
            out.raw(",\"pricing\":{\"prompt\":")
            out.raw(m.promptPrice.map { "\"\(String($0))\"" } ?? "null")
            out.raw(",\"completion\":")
            out.raw(m.completionPrice.map { "\"\(String($0))\"" } ?? "null")
            out.raw("}}")
        }
        out.raw("]")
        return String(decoding: out.bytes, as: UTF8.self)
    }
}
