/// `/set KEY VALUE`: request parameters with their valid ranges.
public enum RequestSettings {
    /// The keys `/set` knows, with the values each takes.
    public static let keys: [(key: String, values: String)] = [
        ("temperature", "0 to 2, or default"),
        ("max_tokens", "an integer from 1, or default"),
        ("top_p", "0 to 1, or default"),
        ("reasoning", ReasoningSetting.values),
        ("provider", "provider names in order, comma-separated (e.g. openai,together), or default"),
        ("provider.FIELD", "a provider-routing field: " + ProviderRouting.fields.map(\.name).joined(separator: ", ")),
        ("allow_fallbacks", "true, false, or default"),
        ("stream", "on or off"),
    ]
    /// Applies `/set key value`.
    public static func apply(key: String, value: String, to parameters: inout RequestParameters) throws(UsageError) {
        let v = value.trimmingWhitespace()
        let reset = v.lowercased() == "default" || v.lowercased() == "none"
        func range(_ name: String) -> String { keys.first { $0.key == name }?.values ?? "" }
        func number(_ name: String, _ bounds: ClosedRange<Double>) throws(UsageError) -> Double {
            guard let n = Double(v), bounds.contains(n) else {
                throw UsageError("\(name) must be \(range(name)); got \"\(v)\"")
            }
            return n
        }
        func routing(_ field: String, _ text: String) throws(UsageError) {
            do {
                try parameters.provider.set(field, text: text)
            } catch {
                throw UsageError("\(error.field ?? "provider") \(error.reason)")
            }
        }
        let name = key.lowercased()
        if name.hasPrefix("provider.") {
            return try routing(String(name.dropFirst("provider.".count)), v)
        }
        switch name {
        case "temperature":
            parameters.temperature = reset ? nil : try number("temperature", 0...2)
        case "top_p":
            parameters.topP = reset ? nil : try number("top_p", 0...1)
        case "max_tokens":
            if reset {
                parameters.maxTokens = nil
            } else {
                guard let n = Int(v), n >= 1 else { throw UsageError("max_tokens must be \(range("max_tokens")); got \"\(v)\"") }
                parameters.maxTokens = n
            }
        case "reasoning":
            switch ReasoningSetting.parse(v) {
            case .success(let setting): parameters.reasoning = setting
            case .failure(let invalid): throw invalid
            }
        case "provider":
            try routing("order", reset ? "default" : v)
        case "allow_fallbacks":
            switch v.lowercased() {
            case "true", "on", "yes", "false", "off", "no", "default": try routing("allow_fallbacks", v)
            case "none": try routing("allow_fallbacks", "default")
            default: throw UsageError("allow_fallbacks must be \(range("allow_fallbacks")); got \"\(v)\"")
            }
        case "stream":
            switch v.lowercased() {
            case "on", "true", "yes": parameters.stream = true
            case "off", "false", "no": parameters.stream = false
            default: throw UsageError("stream must be on or off; got \"\(v)\"")
            }
        default:
            throw UsageError("unknown setting \"\(key)\"; settings: " + keys.map(\.key).joined(separator: ", "))
        }
    }

    /// One line per setting with its current value.
    public static func describe(_ parameters: RequestParameters) -> String {
        func show(_ value: String?) -> String { value ?? "default" }
        var rows: [(String, String)] = [
            ("temperature", show(parameters.temperature.map { fmt($0) })),
            ("max_tokens", show(parameters.maxTokens.map(String.init))),
            ("top_p", show(parameters.topP.map { fmt($0) })),
            ("reasoning", show(parameters.reasoning?.shown)),
            ("web", parameters.webSearch == nil ? "off" : "on"),
            ("stream", parameters.stream ? "on" : "off"),
        ]
        rows.append(("provider", parameters.provider.isEmpty ? "default" : parameters.provider.json.jsonText))
        let width = max(16, (rows.map(\.0.count).max() ?? 0) + 2)
        return rows.map { $0.0.padding(width) + $0.1 }.joined(separator: "\n") + "\n"
    }
}
