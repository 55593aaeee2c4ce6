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
}
