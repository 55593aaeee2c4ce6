/// One tool a server offers, as the model sees it and as people see it.
public struct ToolSpec: Sendable, Equatable {
    /// The server's name in `mcp_servers`.
    public var server: String
    /// The tool's own name on its server.
    public var name: String
    public var description: String
    /// The tool's input JSON Schema, as its server gave it.
    public var inputSchema: RawJSON

    public init(server: String, name: String, description: String, inputSchema: RawJSON) {
        self.server = server
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }

    /// `SERVER.TOOL` on one line, for records (`--json`'s `tool_calls`) and the results the
    /// model reads. What the user sees before a call runs is a ``ShownCall``; the name the
    /// model calls comes from ``OfferedTools``.
    public var shownName: String { TerminalText.oneLine(server + "." + name) }
}

/// What a tool call gave back, as the text the model reads.
public struct ToolResult: Sendable, Equatable {
    public var content: String
    /// The tool (or its server) reported a failure; the model reads it as such.
    public var isError: Bool

    public init(content: String, isError: Bool = false) {
        self.content = content
        self.isError = isError
    }
}

/// How a tool server is doing, for `/mcp`.
public enum ToolServerState: Sendable, Equatable {
    case starting
    case ready(tools: Int)
    case failed(reason: String)
}

/// What the servers offer at a moment: the tools of those that are ready, notices said
/// once, and the servers still starting.
public struct ToolOffer: Sendable, Equatable {
    public var tools: [ToolSpec]
    public var notices: [String]
    /// Servers still starting (their tools are not in `tools`).
    public var starting: [String]

    public init(tools: [ToolSpec], notices: [String], starting: [String] = []) {
        self.tools = tools
        self.notices = notices
        self.starting = starting
    }
}

/// The tools available to the model, from the configured MCP servers.
public protocol ToolProvider: AnyObject, Sendable {
    /// The tools of the servers that are ready, waiting up to `timeout` for servers still
    /// starting. `notices` are one line each about servers that failed, died, or are still
    /// starting after the wait, said once.
    func tools(waitingUpTo timeout: Duration) async -> (tools: [ToolSpec], notices: [String])
    /// The tools of the ready servers, waiting up to `timeout` only for the servers in
    /// `servers` (every server when nil) that are still starting; a server not waited for is
    /// named in ``ToolOffer/starting`` instead of a notice.
    func offer(waitingFor servers: Set<String>?, upTo timeout: Duration) async -> ToolOffer
    /// Runs a call. Cancelling the calling task cancels the call on its server. Failures
    /// (a dead server, a timeout, invalid arguments) come back as error results.
    func call(_ tool: ToolSpec, arguments: String) async -> ToolResult
    /// Every configured server, in the config's order, and how it is doing.
    func states() async -> [(server: String, state: ToolServerState)]
    /// Stops and starts a server again; false when there is no server of that name.
    func restart(_ server: String) async -> Bool
    /// Stops every server (at exit).
    func shutdown() async
}

extension ToolProvider {
    /// Waits for every server, as ``tools(waitingUpTo:)`` does.
    public func offer(waitingFor servers: Set<String>?, upTo timeout: Duration) async -> ToolOffer {
        let (tools, notices) = await tools(waitingUpTo: timeout)
        return ToolOffer(tools: tools, notices: notices)
    }
}
