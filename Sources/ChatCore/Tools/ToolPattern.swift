/// One entry of `auto_approve_tools`: `*` (every tool), `SERVER.*` (every tool of a server)
/// or `SERVER.TOOL` (one tool). Server names hold no `.` (the config refuses them), so the
/// text splits at its first dot and names exactly one (server, tool) pair.
public enum ToolPattern: Sendable, Equatable {
    case all
    case server(String)
    case tool(server: String, name: String)

    /// The forms, for error lines.
    public static let forms = "SERVER.TOOL, SERVER.* or *"

    /// The pattern `text` stands for; nil when it is none of the forms.
    public init?(_ text: String) {
        if text == "*" {
            self = .all
            return
        }
        guard let dot = text.firstIndex(of: "."), dot != text.startIndex else { return nil }
        let server = String(text[..<dot])
        let tool = String(text[text.index(after: dot)...])
        guard !tool.isEmpty, ToolServerConfig.nameProblem(server) == nil else { return nil }
        self = tool == "*" ? .server(server) : .tool(server: server, name: tool)
    }

    /// Whether the pattern covers the tool `name` of `server`.
    public func covers(server: String, name: String) -> Bool {
        switch self {
        case .all: true
        case .server(let only): only == server
        case .tool(let only, let tool): only == server && tool == name
        }
    }
}
