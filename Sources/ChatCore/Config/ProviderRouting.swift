/// OpenRouter's provider-routing object (`provider` in a request): sent as given, each field
/// checked for its type first, so a mistyped field is an error at launch, not a 400 later.
public struct ProviderRouting: Sendable, Equatable {
    /// A field, or its value, that is not what OpenRouter takes.
    public struct Problem: Error, Sendable, Equatable {
        /// The field (`provider.sort`), or nil when the whole value is wrong.
        public var field: String?
        public var reason: String
    }

    /// The fields, with what each takes.
    public static let fields: [(name: String, takes: String)] = [
        ("order", "provider names"), ("allow_fallbacks", "true or false"), ("require_parameters", "true or false"),
        ("data_collection", "\"allow\" or \"deny\""), ("zdr", "true or false"), ("only", "provider names"),
        ("ignore", "provider names"), ("quantizations", "quantization names (fp8, int4, …)"),
        ("sort", "\"price\", \"throughput\", \"latency\", or {\"by\",\"partition\"}"),
        ("max_price", "{\"prompt\",\"completion\",\"request\",\"image\"} in USD"),
        ("preferred_min_throughput", "tokens per second, or {\"p50\",\"p75\",\"p90\",\"p99\"}"),
        ("preferred_max_latency", "seconds, or {\"p50\",\"p75\",\"p90\",\"p99\"}"),
    ]

    public private(set) var members: [(key: String, value: JSONValue)] = []

    public init() {}

    public static func == (a: Self, b: Self) -> Bool { a.json == b.json }

    public var isEmpty: Bool { members.isEmpty }

    public var json: JSONValue { .object(members) }

    /// Checks a whole object (the config's `provider`).
    public init(validating value: JSONValue) throws(Problem) {
        guard case .object(let given) = value else { throw Problem(field: nil, reason: "must be an object of routing fields") }
        for (key, field) in given {
            try Self.check(key, field)
            members.append((key, field))
        }
    }

    /// Sets one field from `/set provider.FIELD VALUE` text: names comma-separated, `true`,
    /// numbers, or JSON for the object forms; `default` removes it.
    public mutating func set(_ field: String, text: String) throws(Problem) {
        let trimmed = text.trimmingWhitespace()
        members.removeAll { $0.key == field }
        if trimmed.lowercased() == "default" {
            try Self.check(field, nil)
            return
        }
        let value: JSONValue
        if let parsed = try? JSONParser.parse(trimmed), trimmed.first == "{" || trimmed.first == "[" || trimmed.first == "\"" {
            value = parsed
        } else if ["true", "yes", "on"].contains(trimmed.lowercased()) {
            value = .bool(true)
        } else if ["false", "no", "off"].contains(trimmed.lowercased()) {
            value = .bool(false)
        } else if let number = Double(trimmed), number.isFinite {
            value = .number(number)
        } else if Self.takesNames(field) {
            value = .array(trimmed.split(separator: ",").map { .string(String($0).trimmingWhitespace()) }.filter { $0 != .string("") })
        } else {
            value = .string(trimmed)
        }
        try Self.check(field, value)
        members.append((field, value))
    }

    /// One line per field for `/set`.
    public var shown: String {
        members.map { "provider.\($0.key) = \($0.value.jsonText)" }.joined(separator: "\n")
    }

    static func takesNames(_ field: String) -> Bool {
        ["order", "only", "ignore", "quantizations"].contains(field)
    }

    /// Throws unless `value` fits `field` (nil: only that the field exists).
    static func check(_ field: String, _ value: JSONValue?) throws(Problem) {
        guard let known = fields.first(where: { $0.name == field }) else {
            throw Problem(
                field: "provider.\(field)",
                reason: "is not a provider-routing field (fields: \(fields.map(\.name).joined(separator: ", ")))")
        }
        guard let value else { return }
        let wrong = Problem(field: "provider.\(field)", reason: "must be \(known.takes), got \(value.jsonText)")
        func isNumber(_ v: JSONValue?) -> Bool {
            if case .number(let n)? = v { return n.isFinite && n >= 0 }
            return false
        }
        func isPercentiles(_ v: JSONValue) -> Bool {
            guard case .object(let parts) = v, !parts.isEmpty else { return false }
            return parts.allSatisfy { ["p50", "p75", "p90", "p99"].contains($0.key) && (isNumber($0.value) || $0.value == .null) }
        }
        switch field {
        case "order", "only", "ignore", "quantizations":
            guard case .array(let items) = value,
                items.allSatisfy({ if case .string(let s) = $0 { return !s.isEmpty } else { return false } })
            else { throw wrong }
        case "allow_fallbacks", "require_parameters", "zdr":
            guard case .bool = value else { throw wrong }
        case "data_collection":
            guard value == .string("allow") || value == .string("deny") else { throw wrong }
        case "sort":
            let ways: [JSONValue] = [.string("price"), .string("throughput"), .string("latency")]
            if ways.contains(value) { return }
            guard case .object(let parts) = value, parts.allSatisfy({ $0.key == "by" || $0.key == "partition" }) else { throw wrong }
        case "max_price":
            // USD amounts: numbers (the docs' example) or numeric strings (the API's schema).
            func isAmount(_ v: JSONValue) -> Bool {
                if case .string(let s) = v, let n = Double(s) { return n.isFinite && n >= 0 }
                return isNumber(v)
            }
            guard case .object(let parts) = value,
                parts.allSatisfy({ ["prompt", "completion", "request", "image", "audio"].contains($0.key) && isAmount($0.value) })
            else { throw wrong }
        default:  // preferred_min_throughput, preferred_max_latency
            guard isNumber(value) || isPercentiles(value) else { throw wrong }
        }
    }
}
