/// What `GET /key` says about the key: spending and limits, never the key or its label.
public struct KeyInfo: Sendable, Equatable {
    public var usage: Double?
    public var limit: Double?
    public var limitRemaining: Double?
    public var isFreeTier: Bool?
    public var rateLimit: String?

    /// Decodes `{"data":{...}}`.
    public static func parse(_ body: [UInt8]) throws(ChatError) -> KeyInfo {
        guard let json = try? JSONParser.parse(body), let data = json["data"], case .object = data else {
            throw .malformedResponse("the key information is not {\"data\":{...}}")
        }
        func number(_ key: String) -> Double? {
            if case .number(let n)? = data[key] { return n }
            return nil
        }
        var info = KeyInfo(usage: number("usage"), limit: number("limit"), limitRemaining: number("limit_remaining"))
        if case .bool(let free)? = data["is_free_tier"] { info.isFreeTier = free }
        if let rate = data["rate_limit"], case .object = rate {
            let requests = rate["requests"].map(\.compactText) ?? "?"
            let interval = rate["interval"].map(\.compactText) ?? "?"
            info.rateLimit = "\(requests) requests / \(interval)"
        }
        return info
    }

    /// Lines for the terminal.
    public var lines: [String] {
        func money(_ v: Double?) -> String { v.map { "$" + ModelTable.formatDecimal($0, digits: 2) } ?? "unlimited" }
        var lines = ["used:      \(usage.map { "$" + ModelTable.formatDecimal($0, digits: 4) } ?? "unknown")"]
        lines.append("limit:     \(money(limit))")
        lines.append("remaining: \(limitRemaining.map { "$" + ModelTable.formatDecimal($0, digits: 4) } ?? (limit == nil ? "unlimited" : "unknown"))")
        if let isFreeTier { lines.append("free tier: \(isFreeTier ? "yes" : "no")") }
        if let rateLimit { lines.append("rate limit: \(rateLimit)") }
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
