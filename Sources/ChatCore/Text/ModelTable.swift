extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}

/// The `/models` table: id, context length, price per 1M tokens.
public enum ModelTable {
    /// The models whose id or name contains `filter` (case-insensitive); all without one.
    public static func matching(_ models: [ModelInfo], filter: String?) -> [ModelInfo] {
        guard let needle = filter?.lowercased(), !needle.isEmpty else { return models }
        return models.filter { $0.id.lowercased().contains(needle) || ($0.name?.lowercased().contains(needle) ?? false) }
    }

    /// Renders the models whose id or name contains `filter` (case-insensitive), with the
    /// kinds of input each takes when the list says.
    public static func render(_ models: [ModelInfo], filter: String?) -> String {
        let rows = matching(models, filter: filter).sorted { $0.id < $1.id }
        if rows.isEmpty { return "no models match \"\(filter ?? "")\"\n" }
        let withInputs = rows.contains { $0.inputModalities != nil }
        let header = ["MODEL", "CONTEXT", "$/1M IN", "$/1M OUT"] + (withInputs ? ["INPUT"] : [])
        let cells = rows.map { m in
            [
                m.id, m.contextLength.map(formatContext) ?? "-", m.promptPrice.map(perMillion) ?? "-",
                m.completionPrice.map(perMillion) ?? "-",
            ] + (withInputs ? [m.inputModalities?.joined(separator: ",") ?? "-"] : [])
        }
        let widths = header.indices.map { col in ([header] + cells).map { $0[col].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            var text = row[0].padding(widths[0])
            for col in 1..<4 { text += "  " + String(repeating: " ", count: widths[col] - row[col].count) + row[col] }
            if withInputs { text += "  " + row[4] }
            return text
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }

    /// Models that take `modality` input (`image`, `file`, `audio`), up to `limit`, cheapest first.
    public static func accepting(_ modality: String, in models: [ModelInfo], limit: Int = 3) -> [String] {
        models.filter { $0.inputModalities?.contains(modality) == true }
            .sorted { ($0.promptPrice ?? .infinity, $0.id) < ($1.promptPrice ?? .infinity, $1.id) }
            .prefix(limit).map(\.id)
    }

    /// `128000` → `128K`, `1048576` → `1M`.
    public static func formatContext(_ n: Int) -> String {
        if n >= 1_000_000, n % 1_000_000 == 0 { return "\(n / 1_000_000)M" }
        if n >= 1_000_000 { return "\(n / 1_000_000).\((n % 1_000_000) / 100_000)M" }
        if n >= 1000 { return "\(n / 1000)K" }
        return String(n)
    }

    static func perMillion(_ perToken: Double) -> String {
        let value = perToken * 1_000_000
        if value == 0 { return "0" }
        return formatDecimal(value, digits: value < 0.01 ? 4 : 2)
    }

    static func formatDecimal(_ value: Double, digits: Int) -> String {
        // Values come from the server: never trap on NaN, infinity or numbers beyond Int64.
        guard value.isFinite else { return value.isNaN ? "?" : value > 0 ? "∞" : "-∞" }
        guard abs(value) < 1e12 else { return String(value) }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = Int64((value * scale).rounded())
        let whole = scaled / Int64(scale)
        var fraction = String(scaled % Int64(scale))
        while fraction.count < digits { fraction = "0" + fraction }
        return "\(whole).\(fraction)"
    }
}
