import ChatCore

/// What one configured server is doing, as a state machine over its events.
///
/// Each input is a `mutating func` that returns what the caller must do — most often, a
/// connection to close — and the I/O happens in ``ToolServer``. Every start gets a new
/// generation; an event of an older one (the exit of a process a restart replaced, a
/// handshake that finished after a stop) changes nothing. Notices are kept until
/// ``takeNotices()`` so each is said once.
struct ServerLifecycle<Connection> {
    enum Phase {
        case stopped
        case starting
        case ready([ToolSpec])
        case failed(String)
    }

    let server: String
    private(set) var phase = Phase.stopped
    private(set) var generation = 0
    /// The connection of the current generation, once it exists.
    private(set) var connection: Connection?
    private var notices: [String] = []

    init(server: String) {
        self.server = server
    }

    /// A new start: the generation it runs in.
    mutating func begin() -> Int {
        generation += 1
        phase = .starting
        connection = nil
        return generation
    }

    /// Stops whatever runs; the caller closes the returned connection.
    mutating func stop() -> Connection? {
        generation += 1
        phase = .stopped
        defer { connection = nil }
        return connection
    }

    /// A start made its connection. False when that start is no longer current: the caller
    /// closes the connection.
    mutating func attach(_ new: Connection, generation start: Int) -> Bool {
        guard start == generation, case .starting = phase else { return false }
        connection = new
        return true
    }

    /// The handshake is done and the tools are listed.
    mutating func ready(_ tools: [ToolSpec], generation start: Int) {
        guard start == generation, case .starting = phase else { return }
        phase = .ready(tools)
    }

    /// The start failed; the caller closes the returned connection.
    mutating func failed(_ reason: String, generation start: Int) -> Connection? {
        guard start == generation, case .starting = phase else { return nil }
        phase = .failed("could not start: " + reason)
        notices.append("MCP server \(server) could not start: \(reason); the chat goes on without its tools")
        defer { connection = nil }
        return connection
    }

    /// The server went away (its process exited, its connection broke); the caller closes
    /// the returned connection, which fails the calls still waiting on it.
    mutating func lost(_ loss: ServerLoss, generation start: Int) -> Connection? {
        guard start == generation else { return nil }
        let hint = loss.hint.map { "; \($0)" } ?? ""
        switch phase {
        case .starting:
            phase = .failed(loss.description + " while starting")
            notices.append("MCP server \(server) \(loss.description) while starting\(hint); the chat goes on without its tools")
        case .ready:
            phase = .failed(loss.description)
            notices.append("MCP server \(server) \(loss.description); its tools are gone\(hint)")
        case .stopped, .failed:
            return nil
        }
        defer { connection = nil }
        return connection
    }

    /// A notice of its own from the start (a log that cannot be written).
    mutating func note(_ notice: String) {
        notices.append(notice)
    }

    /// The notices not said yet, each once.
    mutating func takeNotices() -> [String] {
        defer { notices = [] }
        return notices
    }

    var tools: [ToolSpec] {
        if case .ready(let tools) = phase { return tools }
        return []
    }

    var isStarting: Bool {
        if case .starting = phase { return true }
        return false
    }

    /// The connection to call on, and the generation it belongs to, while ready.
    var readyConnection: (connection: Connection, generation: Int)? {
        guard case .ready = phase, let connection else { return nil }
        return (connection, generation)
    }

    var state: ToolServerState {
        switch phase {
        case .stopped: .failed(reason: "stopped")
        case .starting: .starting
        case .ready(let tools): .ready(tools: tools.count)
        case .failed(let reason): .failed(reason: reason)
        }
    }
}
