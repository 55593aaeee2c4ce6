import ChatCore
import ChatProcess
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// The tools of the configured MCP servers, served by the tool host, `bankfuture-chat-tools`,
/// a process of its own.
///
/// The MCP SDK brings all of Foundation and libcurl with it; in the chat's own binary that
/// doubled its size, its start-up time and its memory. So the chat links only this client,
/// and the host is started only when servers are configured and tools are on.
///
/// ``start(servers:logDirectory:callTimeout:environment:clientVersion:hostPath:)`` spawns the
/// host and returns at once; the host starts every server in the background. Requests are
/// JSON lines on the host's stdin, answers on its stdout, matched by id, so several calls may
/// be pending at once. The host's stderr is appended to `LOG/tool-host.log`.
///
/// A host that cannot start or dies is one notice, said once; pending and later calls are
/// error results at once, ``states()`` reports every server failed saying why, and
/// ``restart(_:)`` starts the host again. The process must ignore SIGPIPE (the chat does):
/// a write to a dead host must fail with EPIPE, not end the chat.
public final class ToolHostClient: ToolProvider {
    private struct State {
        var host: HostConnection?
        var generation = 0
        /// Why no host runs ("the tool host exited (status 1)"); nil while one starts or runs.
        var down: String?
        var notices: [String] = []
        /// The host's log, when it could be opened.
        var logPath: String?
        var shutDown = false
    }

    private let start: ToolHostStart
    /// The tool lists servers gave last time, and each server's key in it.
    private let cache: (any ToolListCache)?
    private let cacheKeys: [String: String]
    private let environment: [String: String]
    private let hostPath: String?
    private let cancelGrace: Duration
    private let state = Mutex(State())

    /// How much longer than the host's own limits we wait for an answer before giving up on it.
    private static let answerSlack = Duration.seconds(10)
    /// How long the host has to exit after `shutdown`: it gives its servers 2 s after SIGTERM.
    private static let shutdownGrace = Duration.seconds(3)

    private init(
        start: ToolHostStart, cache: (any ToolListCache)?, environment: [String: String], hostPath: String?, cancelGrace: Duration
    ) {
        self.start = start
        self.cache = cache
        var keys: [String: String] = [:]
        if cache != nil {
            for server in start.servers {
                keys[server.name] = ToolServerIdentity.key(of: server, searchPath: environment["PATH"] ?? "/usr/bin:/bin")
            }
        }
        cacheKeys = keys
        self.environment = environment
        self.hostPath = hostPath
        self.cancelGrace = cancelGrace
    }

    /// Starts the tool host for `servers` and returns at once, without waiting for it or for
    /// any server.
    ///
    /// - Parameters:
    ///   - logDirectory: where the host's stderr is appended (`tool-host.log`) and each stdio
    ///     server's (`NAME.log`); the folder is created 0700, the files 0600.
    ///   - callTimeout: the longest a call may take (then it is cancelled on its server and
    ///     its result is an error naming the timeout); a server's start gets as long.
    ///   - environment: the chat's environment: the host's, and so each stdio server's, plus
    ///     its config's `env`.
    ///   - clientVersion: sent to servers in `initialize`.
    ///   - hostPath: the host's executable, usually ``defaultHostPath()``; nil when it cannot
    ///     be known, which is a start failure.
    ///   - cache: the tool lists of earlier runs: a server found there is not waited for (its
    ///     listed tools are offered while it starts), and what servers list is kept there.
    public static func start(
        servers: [ToolServerConfig], logDirectory: String, callTimeout: Duration, environment: [String: String],
        clientVersion: String, hostPath: String?, cache: (any ToolListCache)? = nil
    ) -> ToolHostClient {
        start(
            servers: servers, logDirectory: logDirectory, callTimeout: callTimeout, environment: environment,
            clientVersion: clientVersion, hostPath: hostPath, cancelGrace: .seconds(2), cache: cache)
    }

    /// The same, with the wait for the host's answer to a cancelled call (tests shorten it).
    package static func start(
        servers: [ToolServerConfig], logDirectory: String, callTimeout: Duration, environment: [String: String],
        clientVersion: String, hostPath: String?, cancelGrace: Duration, cache: (any ToolListCache)? = nil
    ) -> ToolHostClient {
        let client = ToolHostClient(
            start: ToolHostStart(servers: servers, logDirectory: logDirectory, callTimeout: callTimeout, clientVersion: clientVersion),
            cache: cache, environment: environment, hostPath: hostPath, cancelGrace: cancelGrace)
        client.launchHost()
        return client
    }

    /// The tools of the ready servers, and the tools a server still starting gave last time
    /// (a call of one waits for its server, which then runs it if it still has it): only
    /// servers never seen before are waited for, up to `timeout`.
    public func tools(waitingUpTo timeout: Duration) async -> (tools: [ToolSpec], notices: [String]) {
        guard let host = currentHost() else { return ([], takeNotices()) }
        let cached = start.servers.compactMap { server in cacheKeys[server.name].flatMap { cache?.tools(for: $0) }.map { (server.name, $0) }
        }
        let known = Dictionary(cached, uniquingKeysWith: { first, _ in first })
        let waitFor = start.servers.map(\.name).filter { known[$0] == nil }
        let answer = await host.ask(.tools(wait: timeout, waitFor: cache == nil ? nil : waitFor), limit: timeout + Self.answerSlack)
        switch answer {
        case .reply(.tools(let tools, let notices, let starting)):
            for server in start.servers where !starting.contains(server.name) {
                guard let key = cacheKeys[server.name] else { continue }
                let listed = tools.filter { $0.server == server.name }
                if !listed.isEmpty { cache?.keep(listed, for: key) }
            }
            // In the config's order: the tools of the servers still starting where they belong.
            let offered = start.servers.flatMap { server in
                starting.contains(server.name) ? known[server.name] ?? [] : tools.filter { $0.server == server.name }
            }
            return (offered, takeNotices() + notices)
        case .reply(let other):
            return ([], takeNotices() + ["the tool host gave no tool list (\(Self.describe(other))); tools are left out of this request"])
        case .noAnswer:
            return (
                [],
                takeNotices() + [
                    "the tool host did not answer within \(DurationText.describe(timeout + Self.answerSlack)); tools are left out of this request"
                ]
            )
        case .gone, nil:
            return ([], takeNotices())
        }
    }

    public func call(_ tool: ToolSpec, arguments: String) async -> ToolResult {
        guard let host = currentHost() else {
            let reason = state.withLock { $0.shutDown ? "the tools are shut down" : $0.down ?? "the tool host is not running" }
            return ToolResult(content: "\(tool.shownName) cannot be called: \(reason).", isError: true)
        }
        let limit = start.callTimeout + Self.answerSlack
        let answer = await host.call(.call(server: tool.server, name: tool.name, arguments: arguments), limit: limit, grace: cancelGrace)
        switch answer {
        case .reply(.result(let result)):
            return result
        case .reply(let other):
            return ToolResult(content: "The tool host could not run \(tool.shownName): \(Self.describe(other)).", isError: true)
        case .gone(let reason):
            return ToolResult(content: "The call of \(tool.shownName) failed: \(reason) during the call; tools are gone.", isError: true)
        case .noAnswer where Task.isCancelled:
            return ToolResult(
                content:
                    "The call of \(tool.shownName) was cancelled; the tool host did not confirm it within \(DurationText.describe(cancelGrace)).",
                isError: true)
        case .noAnswer:
            return ToolResult(
                content: "\(tool.shownName) got no answer from the tool host within \(DurationText.describe(limit)).", isError: true)
        }
    }

    public func states() async -> [(server: String, state: ToolServerState)] {
        let everyServer = { (state: ToolServerState) in self.start.servers.map { (server: $0.name, state: state) } }
        guard let host = currentHost() else {
            let down = state.withLock { $0.shutDown ? "the tools are shut down" : $0.down }
            return everyServer(down.map { .failed(reason: $0) } ?? .starting)
        }
        switch await host.ask(.states, limit: Self.answerSlack) {
        case .reply(.states(let states)):
            return states.map { ($0.server, $0.state) }
        case .gone(let reason):
            return everyServer(.failed(reason: reason))
        case .reply, .noAnswer, nil:
            return everyServer(.failed(reason: "the tool host did not tell"))
        }
    }

    public func restart(_ server: String) async -> Bool {
        guard start.servers.contains(where: { $0.name == server }) else { return false }
        let (host, shutDown) = state.withLock { ($0.host, $0.shutDown) }
        if shutDown { return false }
        guard let host else {
            // No host: a new one starts every server.
            launchHost()
            return true
        }
        switch await host.ask(.restart(server: server), limit: start.callTimeout + Self.answerSlack) {
        case .reply(.restarted(let restarted)):
            return restarted
        case .gone:
            launchHost()
            return true
        case .reply, .noAnswer, nil:
            return false
        }
    }

    public func shutdown() async {
        let host = state.withLock { state -> HostConnection? in
            state.shutDown = true
            defer { state.host = nil }
            return state.host
        }
        guard let host else { return }
        _ = host.send(.shutdown)
        // EOF after it: a host that cannot read the request any more ends all the same.
        host.closeInput()
        let grace = Self.shutdownGrace
        await host.process.waitForExit(killingAfter: { try await Task.sleep(for: grace) })
    }

    /// The host's pid while it runs (tests end it).
    package var hostProcessID: Int32? {
        state.withLock { $0.host?.process.pid }
    }

    /// Closes the host's stdin, as the chat's death would, and returns once it has exited.
    package func closeHostInput() async -> ProcessExit? {
        guard let host = currentHost() else { return nil }
        host.closeInput()
        return await host.process.exited()
    }

    private func currentHost() -> HostConnection? {
        state.withLock { $0.shutDown ? nil : $0.host }
    }

    private func takeNotices() -> [String] {
        state.withLock { state in
            defer { state.notices = [] }
            return state.notices
        }
    }

    /// Spawns a host for a new generation; a failure is the state and a notice.
    private func launchHost() {
        let generation = state.withLock { state -> Int in
            state.generation += 1
            state.down = nil
            return state.generation
        }
        let launched = HostLauncher.launch(path: hostPath, start: start, environment: environment) { [weak self] reason in
            self?.lost(reason, generation: generation)
        }
        state.withLock { state in
            guard state.generation == generation else { return }
            state.notices += launched.notices
            state.logPath = launched.logPath
            switch launched.outcome {
            case .success(let host):
                // A host that died before this is already told (`lost`).
                if state.down == nil { state.host = host }
            case .failure(let failure):
                state.host = nil
                state.down = failure.reason
                state.notices.append("\(failure.reason); the chat goes on without tools")
            }
        }
    }

    /// The host of `generation` is gone: one notice, unless the chat is shutting down.
    private func lost(_ reason: String, generation: Int) {
        state.withLock { state in
            guard state.generation == generation else { return }
            state.host = nil
            state.down = reason
            guard !state.shutDown else { return }
            let hint = state.logPath.map { "; its log is \($0)" } ?? ""
            state.notices.append("\(reason); tools are gone\(hint)")
        }
    }

    private static func describe(_ body: ToolHostReply.Body) -> String {
        if case .error(let message) = body { return message }
        return "an answer of another kind"
    }
}
