/// A role: a named persona — a system prompt, and optionally a model and parameters — from
/// `roles/NAME.md` (front matter between `---` lines, then the prompt) or built in.
public struct RoleProfile: Sendable, Equatable {
    public var name: String
    public var systemPrompt: String
    public var model: String?
    public var temperature: Double?
    public var topP: Double?
    public var maxTokens: Int?
    /// `.some(nil)` when the role says `reasoning: default`.
    public var reasoning: ReasoningSetting??
    /// Where it came from: a file's path, or nil for a built-in role.
    public var path: String?

    public init(
        name: String, systemPrompt: String, model: String? = nil, temperature: Double? = nil, topP: Double? = nil,
        maxTokens: Int? = nil, reasoning: ReasoningSetting?? = nil, path: String? = nil
    ) {
        self.name = name
        self.systemPrompt = systemPrompt
        self.model = model
        self.temperature = temperature
        self.topP = topP
        self.maxTokens = maxTokens
        self.reasoning = reasoning
        self.path = path
    }
    /// The first line of the prompt, for `/role` lists.
    public var firstLine: String {
        TextLines.firstNonBlank(systemPrompt)
    }

    /// Reads a role file's text.
    public static func parse(_ text: String, name: String, path: String) throws(UsageError) -> RoleProfile {
        var role = RoleProfile(name: name, systemPrompt: "", path: path)
        // CRLF files too: a CR left on "---" would hide the front matter.
        var lines = TextLines.split(text).map(String.init)
        if lines.first?.trimmingWhitespace() == "---" {
            guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingWhitespace() == "---" }) else {
                throw UsageError("role file \(path): the front matter opened on line 1 is never closed with ---")
            }
            for number in 1..<end {
                try role.read(lines[number], line: number + 1, path: path)
            }
            lines.removeSubrange(0...end)
        }
        role.systemPrompt = lines.joined(separator: "\n").trimmingWhitespace()
        return role
    }

    private mutating func read(_ text: String, line: Int, path: String) throws(UsageError) {
        let trimmed = text.trimmingWhitespace()
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return }
        func problem(_ reason: String) -> UsageError { UsageError("role file \(path), line \(line): \(reason)") }
        guard let colon = trimmed.firstIndex(of: ":") else { throw problem("expected KEY: VALUE, got \"\(trimmed)\"") }
        let key = trimmed[..<colon].trimmingWhitespace().lowercased()
        var value = trimmed[trimmed.index(after: colon)...].trimmingWhitespace()
        if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first {
            value = String(value.dropFirst().dropLast())
        }
        switch key {
        case "model":
            guard !value.isEmpty, !value.contains(where: \.isWhitespace) else { throw problem("model must be a model id without spaces") }
            model = value
        case "temperature":
            guard let n = Double(value), (0...2).contains(n) else { throw problem("temperature must be 0 to 2, got \"\(value)\"") }
            temperature = n
        case "top_p":
            guard let n = Double(value), (0...1).contains(n) else { throw problem("top_p must be 0 to 1, got \"\(value)\"") }
            topP = n
        case "max_tokens":
            guard let n = Int(value), n >= 1 else { throw problem("max_tokens must be an integer from 1, got \"\(value)\"") }
            maxTokens = n
        case "reasoning":
            switch ReasoningSetting.parse(value) {
            case .success(let setting): reasoning = .some(setting)
            case .failure: throw problem("reasoning must be \(ReasoningSetting.values), got \"\(value)\"")
            }
        default:
            throw problem("unknown key \"\(key)\" (keys: model, temperature, top_p, max_tokens, reasoning)")
        }
    }

    /// Applies the role to a session: its prompt, and its model and parameters where it has them.
    public func apply(to session: inout ChatSession, keepModel: Bool = false) {
        session.systemPrompt = systemPrompt
        if let model, !keepModel { session.model = model }
        if let temperature { session.parameters.temperature = temperature }
        if let topP { session.parameters.topP = topP }
        if let maxTokens { session.parameters.maxTokens = maxTokens }
        if let reasoning { session.parameters.reasoning = reasoning }
    }
}
