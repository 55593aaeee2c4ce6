/// One entry of `mcp_servers`: a program to start (stdio) or a URL (streamable HTTP).
public struct ToolServerConfig: Sendable, Equatable {
    public enum Connection: Sendable, Equatable {
        /// `{"command": PATH, "args": [...], "env": {...}}`
        case stdio(command: String, arguments: [String], environment: [String: String])
        /// `{"url": "http://…"}`
        case http(url: String)
    }

    public var name: String
    public var connection: Connection

    public init(name: String, connection: Connection) {
        self.name = name
        self.connection = connection
    }

    /// Why `name` cannot name a server, nil when it can. A server's name starts every
    /// `SERVER.TOOL` pattern and every tool line the user approves, so it holds no `.` or
    /// `*` (a pattern would then name two pairs), no space and nothing invisible (a name
    /// that looks like another).
    public static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "is empty" }
        for scalar in name.unicodeScalars {
            switch scalar {
            case ".": return "holds \".\""
            case "*": return "holds \"*\""
            default: break
            }
            if scalar.properties.isWhitespace { return "holds a space" }
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator, .unassigned, .privateUse, .surrogate:
                return "holds an invisible or control character"
            default: break
            }
        }
        return nil
    }
}
