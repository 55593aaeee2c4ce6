/// A config or usage problem. Each renders as one line naming the file and the key,
/// or the line and column of a JSON error; the process exits with code 2.
public enum ConfigError: Error, Sendable, Equatable {
    case missingFile(path: String)
    case unreadable(path: String, reason: String)
    case syntax(path: String, line: Int, column: Int, reason: String)
    case unknownKey(path: String, key: String, suggestion: String?)
    case wrongType(path: String, key: String, expected: String, found: String)
    case invalid(path: String, key: String?, reason: String)
    case secretInConfig(path: String, key: String)
    /// A setting that is wrong after flags, environment and file were combined.
    case setting(key: String, reason: String)

    /// The one-line message (it may quote the file: kept to one line).
    public var message: String {
        TerminalText.oneLine(text, limit: 1000)
    }

    private var text: String {
        switch self {
        case .missingFile(let path):
            return "config file \(path) does not exist; create it (see config.sample.json) or drop --config"
        case .unreadable(let path, let reason):
            return "cannot read config file \(path): \(reason)"
        case .syntax(let path, let line, let column, let reason):
            return "config file \(path) is not valid JSON: \(reason) at line \(line), column \(column)"
        case .unknownKey(let path, let key, let suggestion):
            return "config file \(path): unknown key \"\(key)\"" + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "")
                + "; see config.sample.json for the keys"
        case .wrongType(let path, let key, let expected, let found):
            return "config file \(path): key \"\(key)\" must be \(expected), not \(found)"
        case .invalid(let path, let key, let reason):
            return "config file \(path): " + (key.map { "key \"\($0)\" " } ?? "") + reason
        case .setting(let key, let reason):
            return "\(key) \(reason)"
        case .secretInConfig(let path, let key):
            return
                "config file \(path): key \"\(key)\" would store the API key in the file; remove it, export the key in the environment and name that variable with \"api_key_env\" (default OPENROUTER_API_KEY)"
        }
    }
}
