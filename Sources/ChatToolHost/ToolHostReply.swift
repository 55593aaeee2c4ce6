import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A line the tool host writes: the answer to the request with the same `id`.
///
/// - tools: `{"id":1,"tools":[{"server":"time","name":"get_current_time","description":"…","input_schema":"{…}"}],"notices":[],"starting":["other"]}`
///   (`input_schema` is the schema's JSON text, in a string)
/// - result: `{"id":2,"content":"…","is_error":false}`
/// - states: `{"id":3,"states":[{"server":"time","state":"ready","tools":2},{"server":"x","state":"failed","reason":"…"}]}`
///   (`state` is `starting`, `ready` or `failed`)
/// - restarted: `{"id":4,"restarted":true}`
/// - stopped: `{"id":5,"stopped":true}`
/// - error: `{"id":6,"error":"…"}` for a request the host could not read
public struct ToolHostReply: Sendable, Equatable {
    /// What the answer says.
    public enum Body: Sendable, Equatable {
        /// The tools of the ready servers, the notices not said yet, and the servers still
        /// starting.
        case tools([ToolSpec], notices: [String], starting: [String] = [])
        /// What a call gave back.
        case result(ToolResult)
        /// Every server and how it is doing, in the config's order.
        case states([ServerStatus])
        /// Whether there was a server of that name to restart.
        case restarted(Bool)
        /// Every server is stopped; the host exits next.
        case stopped
        /// The request could not be read.
        case error(String)
    }

    /// One server's state in a `states` answer.
    public struct ServerStatus: Sendable, Equatable {
        /// The server's name in `mcp_servers`.
        public var server: String
        /// How it is doing.
        public var state: ToolServerState

        /// The state of `server`.
        public init(server: String, state: ToolServerState) {
            self.server = server
            self.state = state
        }
    }

    /// The id of the request this answers.
    public var id: Int
    /// The answer.
    public var body: Body

    /// The answer `body` to request `id`.
    public init(id: Int, _ body: Body) {
        self.id = id
        self.body = body
    }
}

extension ToolHostReply: Codable {
    private enum Keys: String, CodingKey {
        case id, tools, notices, starting, content, states, restarted, stopped, error
        case isError = "is_error"
    }

    /// Reads one answer line's object; which body it is follows from its keys.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        id = try container.decode(Int.self, forKey: .id)
        if container.contains(.tools) {
            body = .tools(
                try container.decode([WireTool].self, forKey: .tools).map(\.spec),
                notices: try container.decodeIfPresent([String].self, forKey: .notices) ?? [],
                starting: try container.decodeIfPresent([String].self, forKey: .starting) ?? [])
        } else if container.contains(.content) {
            body = .result(
                ToolResult(
                    content: try container.decode(String.self, forKey: .content),
                    isError: try container.decodeIfPresent(Bool.self, forKey: .isError) ?? false))
        } else if container.contains(.states) {
            body = .states(try container.decode([WireState].self, forKey: .states).map(\.status))
        } else if container.contains(.restarted) {
            body = .restarted(try container.decode(Bool.self, forKey: .restarted))
        } else if container.contains(.stopped) {
            body = .stopped
        } else {
            body = .error(try container.decode(String.self, forKey: .error))
        }
    }

    /// Writes one answer line's object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(id, forKey: .id)
        switch body {
        case .tools(let tools, let notices, let starting):
            try container.encode(tools.map(WireTool.init), forKey: .tools)
            try container.encode(notices, forKey: .notices)
            if !starting.isEmpty { try container.encode(starting, forKey: .starting) }
        case .result(let result):
            try container.encode(result.content, forKey: .content)
            try container.encode(result.isError, forKey: .isError)
        case .states(let states):
            try container.encode(states.map(WireState.init), forKey: .states)
        case .restarted(let restarted):
            try container.encode(restarted, forKey: .restarted)
        case .stopped:
            try container.encode(true, forKey: .stopped)
        case .error(let message):
            try container.encode(message, forKey: .error)
        }
    }
}

/// A tool on the wire; its schema as JSON text.
private struct WireTool: Codable {
    var server: String
    var name: String
    var description: String
    var inputSchema: String

    enum CodingKeys: String, CodingKey {
        case server, name, description
        case inputSchema = "input_schema"
    }

    init(_ spec: ToolSpec) {
        server = spec.server
        name = spec.name
        description = spec.description
        inputSchema = spec.inputSchema.text
    }

    var spec: ToolSpec {
        // The host sends what a server's schema encoded to; anything else is no schema.
        let schema = RawJSON(validating: inputSchema) ?? RawJSON(validating: #"{"type":"object"}"#)!
        return ToolSpec(server: server, name: name, description: description, inputSchema: schema)
    }
}

/// A server's state on the wire.
private struct WireState: Codable {
    var server: String
    var state: String
    var tools: Int?
    var reason: String?

    init(_ status: ToolHostReply.ServerStatus) {
        server = status.server
        switch status.state {
        case .starting:
            state = "starting"
        case .ready(let count):
            state = "ready"
            tools = count
        case .failed(let why):
            state = "failed"
            reason = why
        }
    }

    var status: ToolHostReply.ServerStatus {
        let decoded: ToolServerState =
            switch state {
            case "starting": .starting
            case "ready": .ready(tools: tools ?? 0)
            default: .failed(reason: reason ?? state)
            }
        return ToolHostReply.ServerStatus(server: server, state: decoded)
    }
}
