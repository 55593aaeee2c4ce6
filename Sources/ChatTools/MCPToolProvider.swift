import ChatCore

/// The tools of the configured MCP servers, through the official Swift SDK.
///
/// Every server starts in the background as soon as the provider exists, so the prompt never
/// waits; ``tools(waitingUpTo:)`` waits for those still starting only as long as it is told.
/// A stdio server is a child process on pipes, its stderr in `LOG/NAME.log`; a URL is
/// streamable HTTP. A server that cannot start or dies is one notice naming it, said once,
/// and the chat goes on without its tools. Every call is bounded by `callTimeout`, and
/// cancelling the calling task cancels the call on its server.
///
/// The process must ignore SIGPIPE (the chat does): a write to a server that died must fail
/// with EPIPE, not end the chat.
public final class MCPToolProvider: ToolProvider {
    private let servers: [ToolServer]

    /// Starts every server in `servers` at once and returns without waiting for any.
    ///
    /// - Parameters:
    ///   - logDirectory: where each stdio server's stderr is appended, as `NAME.log` (the
    ///     folder is created 0700, the files 0600).
    ///   - callTimeout: the longest a call may take; then it is cancelled on its server and
    ///     its result is an error naming the timeout. A start (handshake and tool list) gets
    ///     as long, then the server is one "could not start" notice.
    ///   - environment: the chat's environment; a stdio server gets it plus its config's `env`.
    ///   - clientVersion: sent to servers in `initialize`.
    ///   - clock: what the timeouts are measured on.
    public convenience init(
        servers: [ToolServerConfig], logDirectory: String, callTimeout: Duration, environment: [String: String],
        clientVersion: String = "0", clock: any Clock<Duration> = ContinuousClock()
    ) {
        let timer = ToolTimer(clock)
        let launcher = ServerLauncher.standard(logDirectory: logDirectory, environment: environment, timer: timer)
        self.init(servers: servers, launcher: launcher, callTimeout: callTimeout, clientVersion: clientVersion, timer: timer)
    }

    /// The same with another way of bringing servers up (the tests' in-process servers).
    package convenience init(
        servers: [ToolServerConfig], launcher: ServerLauncher, callTimeout: Duration, clock: any Clock<Duration> = ContinuousClock()
    ) {
        self.init(servers: servers, launcher: launcher, callTimeout: callTimeout, clientVersion: "0", timer: ToolTimer(clock))
    }

    private init(servers: [ToolServerConfig], launcher: ServerLauncher, callTimeout: Duration, clientVersion: String, timer: ToolTimer) {
        self.timer = timer
        self.servers = servers.map {
            ToolServer(config: $0, launcher: launcher, timer: timer, callTimeout: callTimeout, clientVersion: clientVersion)
        }
        for server in self.servers { server.start() }
    }

    private let timer: ToolTimer

    public func tools(waitingUpTo timeout: Duration) async -> (tools: [ToolSpec], notices: [String]) {
        let offer = await offer(waitingFor: nil, upTo: timeout)
        return (offer.tools, offer.notices)
    }

    public func offer(waitingFor names: Set<String>?, upTo timeout: Duration) async -> ToolOffer {
        let waited = servers.filter { names?.contains($0.name) ?? true }
        await waitForStarts(of: waited, upTo: timeout)
        var offer = ToolOffer(tools: [], notices: [])
        for server in servers {
            offer.notices += server.takeNotices()
            if server.isStarting {
                if waited.contains(where: { $0 === server }) {
                    offer.notices.append("MCP server \(server.name) is still starting; its tools are left out of this request")
                }
                offer.starting.append(server.name)
            }
            offer.tools += server.tools
        }
        return offer
    }

    public func call(_ tool: ToolSpec, arguments: String) async -> ToolResult {
        guard let server = servers.first(where: { $0.name == tool.server }) else {
            return ToolResult(content: "There is no MCP server \(tool.server).", isError: true)
        }
        switch ToolArguments.parse(arguments) {
        case .failure(let refusal):
            return ToolResult(content: refusal.message, isError: true)
        case .success(let object):
            return await server.call(tool, arguments: object)
        }
    }

    public func states() -> [(server: String, state: ToolServerState)] {
        servers.map { ($0.name, $0.state) }
    }

    public func restart(_ name: String) async -> Bool {
        guard let server = servers.first(where: { $0.name == name }) else { return false }
        await server.stop()
        server.start()
        return true
    }

    public func shutdown() async {
        await withTaskGroup(of: Void.self) { group in
            for server in servers { group.addTask { await server.stop() } }
        }
    }

    /// The pid of a stdio server's child while it runs.
    package func processID(of name: String) -> Int32? {
        servers.first { $0.name == name }?.processID
    }

    /// Returns when none of `servers` is starting any more, or after `timeout`.
    private func waitForStarts(of servers: [ToolServer], upTo timeout: Duration) async {
        let starting = servers.filter(\.isStarting)
        guard !starting.isEmpty, timeout > .zero else { return }
        let deadline = timer.deadline(after: timeout)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for server in starting { await server.waitUntilSettled() }
            }
            group.addTask { try? await deadline() }
            await group.next()
            group.cancelAll()
        }
    }
}
