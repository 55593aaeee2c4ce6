/// One key's value in the config file, read as the type the key needs; every failure is a
/// one-line ``ConfigError`` naming the file and the key.
struct ConfigValue {
    let path: String
    let key: String
    let value: JSONValue

    func wrongType(_ expected: String) -> ConfigError {
        .wrongType(path: path, key: key, expected: expected, found: value.typeName)
    }

    func invalid(_ reason: String) -> ConfigError {
        .invalid(path: path, key: key, reason: reason)
    }

    func string() throws(ConfigError) -> String {
        guard case .string(let s) = value else { throw wrongType("a string") }
        return s
    }

    func nonEmpty() throws(ConfigError) -> String {
        let s = try string()
        if s.trimmingWhitespace().isEmpty { throw invalid("must not be empty") }
        return s
    }

    func number(_ range: ClosedRange<Double>) throws(ConfigError) -> Double {
        guard case .number(let n) = value else { throw wrongType("a number") }
        guard range.contains(n) else {
            throw invalid("must be between \(fmt(range.lowerBound)) and \(fmt(range.upperBound)), got \(fmt(n))")
        }
        return n
    }

    func integer(_ range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard case .number(let n) = value, n == n.rounded(), abs(n) < 1e12 else { throw wrongType("an integer") }
        guard range.contains(Int(n)) else {
            throw invalid("must be between \(range.lowerBound) and \(range.upperBound), got \(Int(n))")
        }
        return Int(n)
    }

    func url() throws(ConfigError) -> String {
        let s = try nonEmpty()
        guard s.hasPrefix("http://") || s.hasPrefix("https://") else {
            throw invalid("must be an http:// or https:// URL, got \"\(s)\"")
        }
        return s
    }

    /// Text sent as a header: a control character would break the request.
    func headerText() throws(ConfigError) -> String {
        let s = try string()
        if s.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            throw invalid("must be one line without control characters")
        }
        return s
    }

    func bool() throws(ConfigError) -> Bool {
        guard case .bool(let b) = value else { throw wrongType("true or false") }
        return b
    }

    func envName() throws(ConfigError) -> String {
        let s = try nonEmpty()
        if looksLikeAPIKey(s) { throw .secretInConfig(path: path, key: key) }
        guard isValidEnvironmentName(s) else {
            throw invalid("must be the name of an environment variable (letters, digits, _), got \"\(s)\"")
        }
        return s
    }

    /// An array of non-empty strings.
    func strings(_ what: String) throws(ConfigError) -> [String] {
        guard case .array(let items) = value else { throw wrongType("an array of \(what)") }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item, !s.trimmingWhitespace().isEmpty else {
                throw .wrongType(
                    path: path, key: key, expected: "an array of \(what) (strings)", found: "an array holding \(item.typeName)")
            }
            out.append(s)
        }
        return out
    }

    /// One of `choices`.
    func choice<T>(_ choices: [(String, T)]) throws(ConfigError) -> T {
        let s = try string()
        guard let found = choices.first(where: { $0.0 == s }) else {
            throw invalid("must be " + choices.map { "\"\($0.0)\"" }.joined(separator: ", ") + ", got \"\(s)\"")
        }
        return found.1
    }

    /// The value at `child` of this object, for nested checks.
    func member(_ child: String, _ nested: JSONValue) -> ConfigValue {
        ConfigValue(path: path, key: key + "." + child, value: nested)
    }
}
