import ChatCore
import ChatProcess
import Foundation
import MCP
import Synchronization

/// One configured MCP server: its start in the background, its tools, its calls, its stop.
///
/// The state lives in a ``ServerLifecycle`` behind a lock, so `/mcp` can read it without
/// waiting; the I/O — launching, the handshake, closing a connection — happens here, outside
/// the lock.
final class ToolServer: Sendable {
    /// What a ready server is reached through.
    struct Connection: Sendable {
        let client: Client
        let launched: LaunchedServer
    }

    private struct Guarded {
        var lifecycle: ServerLifecycle<Connection>
        var startTask: Task<Void, Never>?
        /// Fires when the current start ends, one way or another.
        var settled = OnceEvent<Void>()
    }

    let config: ToolServerConfig
    private let launcher: ServerLauncher
    private let timer: ToolTimer
    private let callTimeout: Duration
    private let clientVersion: String
    private let guarded: Mutex<Guarded>

    init(config: ToolServerConfig, launcher: ServerLauncher, timer: ToolTimer, callTimeout: Duration, clientVersion: String) {
        self.config = config
        self.launcher = launcher
        self.timer = timer
        self.callTimeout = callTimeout
        self.clientVersion = clientVersion
        guarded = Mutex(Guarded(lifecycle: ServerLifecycle(server: config.name)))
    }

    var name: String { config.name }
    var state: ToolServerState { guarded.withLock { $0.lifecycle.state } }
    var tools: [ToolSpec] { guarded.withLock { $0.lifecycle.tools } }
    var isStarting: Bool { guarded.withLock { $0.lifecycle.isStarting } }
    /// The child's pid while it runs (tests check that it is reaped).
    var processID: Int32? { guarded.withLock { $0.lifecycle.connection?.launched.processID } }

    func takeNotices() -> [String] {
        guarded.withLock { $0.lifecycle.takeNotices() }
    }

    /// Starts the server in the background; returns at once.
    func start() {
        guarded.withLock { guarded in
            let generation = guarded.lifecycle.begin()
            guarded.settled = OnceEvent()
            guarded.startTask = Task { await self.run(generation: generation) }
        }
    }

    /// Stops the server and returns once its process is gone.
    func stop() async {
        let (connection, startTask) = guarded.withLock { guarded in
            (guarded.lifecycle.stop(), guarded.startTask)
        }
        settle()
        if let connection { await close(connection) }
        // A start still launching sees that it was stopped and closes what it made.
        await startTask?.value
    }

    /// Returns when the server is no longer starting, or when the waiting task is cancelled.
    func waitUntilSettled() async {
        let settled = guarded.withLock { $0.lifecycle.isStarting ? $0.settled : nil }
        _ = await settled?.wait()
    }

    /// Runs one call; every failure is an error result naming this server.
    /// A call may come before the server is ready (the chat offered the tools it listed last
    /// time): it waits for the start (bounded by the start's own limit), then finds the tool
    /// in the list the server gives now.
    func call(_ tool: ToolSpec, arguments: [String: Value]) async -> ToolResult {
        await waitUntilSettled()
        let current = guarded.withLock { guarded in
            (guarded.lifecycle.readyConnection, guarded.lifecycle.state)
        }
        guard let ready = current.0 else {
            return ToolResult(content: unavailable(current.1), isError: true)
        }
        guard tools.contains(where: { $0.name == tool.name }) else {
            return ToolResult(
                content:
                    "MCP server \(name) no longer offers a tool named \(tool.name); its current tools are offered with the next request.",
                isError: true)
        }
        let deadline = timer.deadline(after: callTimeout)
        switch await ServerCall.run(tool.name, arguments: arguments, on: ready.connection.client, deadline: deadline) {
        case .finished(let result):
            return ToolOutput.text(of: result)
        case .timedOut:
            return ToolResult(
                content:
                    "\(tool.shownName) timed out after \(DurationText.describe(callTimeout)) (tool_timeout_seconds); the call was cancelled.",
                isError: true)
        case .cancelled:
            return ToolResult(content: "The call of \(tool.shownName) was cancelled.", isError: true)
        case .failed(let error):
            let lost = guarded.withLock { guarded -> String? in
                guard guarded.lifecycle.generation == ready.generation, case .failed(let reason) = guarded.lifecycle.phase else {
                    return nil
                }
                return reason
            }
            if let lost {
                return ToolResult(content: "MCP server \(name) \(lost) during the call; its tools are gone.", isError: true)
            }
            return ToolResult(content: "MCP server \(name) failed the call of \(tool.name): \(ErrorText.describe(error))", isError: true)
        }
    }

    private func unavailable(_ state: ToolServerState) -> String {
        switch state {
        case .starting: "MCP server \(name) is still starting; its tools cannot be called yet."
        case .failed(let reason): "MCP server \(name) is not available (\(reason)); its tools cannot be called."
        case .ready: "MCP server \(name) is not connected."
        }
    }

    /// One start: launch, handshake, list the tools — within `callTimeout`, since the SDK's
    /// `connect` never gives up on a server that does not answer.
    private func run(generation: Int) async {
        let deadline = timer.deadline(after: callTimeout)
        let watchdog = Task {
            guard (try? await deadline()) != nil else { return }
            self.failed(ToolServerFailure.noAnswer(within: self.callTimeout).message, generation: generation)
        }
        defer { watchdog.cancel() }
        let launched: LaunchedServer
        do {
            launched = try await launcher.launch(config) { [weak self] loss in self?.lost(loss, generation: generation) }
        } catch {
            failed(error.message, generation: generation)
            return
        }
        let connection = Connection(client: Client(name: "bankfuture-chat", version: clientVersion), launched: launched)
        let attached = guarded.withLock { guarded in
            for notice in launched.notices { guarded.lifecycle.note(notice) }
            return guarded.lifecycle.attach(connection, generation: generation)
        }
        guard attached else {
            await close(connection)
            return
        }
        do {
            try await connection.client.connect(transport: launched.transport)
            let tools = try await listTools(connection.client)
            watchdog.cancel()  // before anyone learns it is ready
            guarded.withLock { $0.lifecycle.ready(tools, generation: generation) }
            settle()
        } catch {
            failed(ToolServerFailure.handshake(error).message, generation: generation)
        }
    }

    /// Every page of `tools/list`, as the model will see them.
    private func listTools(_ client: Client) async throws -> [ToolSpec] {
        var specs: [ToolSpec] = []
        var cursor: String?
        var pages = 0
        repeat {
            let page = try await client.listTools(cursor: cursor)
            specs += page.tools.map(spec)
            cursor = page.nextCursor
            pages += 1
        } while cursor != nil && pages < 100  // a server that hands out cursors forever
        return specs
    }

    private func spec(_ tool: Tool) -> ToolSpec {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let schemaText = (try? encoder.encode(tool.inputSchema)).map { String(decoding: $0, as: UTF8.self) }
        let schema = schemaText.flatMap(RawJSON.init(validating:)) ?? RawJSON(validating: #"{"type":"object"}"#)!
        return ToolSpec(server: name, name: tool.name, description: tool.description ?? tool.title ?? "", inputSchema: schema)
    }

    private func failed(_ reason: String, generation: Int) {
        let connection = guarded.withLock { $0.lifecycle.failed(reason, generation: generation) }
        settle()
        if let connection { Task { await close(connection) } }
    }

    private func lost(_ loss: ServerLoss, generation: Int) {
        let connection = guarded.withLock { $0.lifecycle.lost(loss, generation: generation) }
        settle()
        if let connection { Task { await close(connection) } }
    }

    /// Wakes the waiters once the server is no longer starting.
    private func settle() {
        guarded.withLock { $0.lifecycle.isStarting ? nil : $0.settled }?.fire(())
    }

    /// Fails the calls still waiting (the client's disconnect), then ends the process.
    private func close(_ connection: Connection) async {
        await connection.client.disconnect()
        await connection.launched.stop()
    }
}
