import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The first line the chat writes to the tool host: what to serve.
///
/// `{"op":"start","servers":[…],"log_directory":"…","call_timeout_ms":60000,"client_version":"1.2.0"}`,
/// each server `{"name":"time","command":"/usr/bin/mcp-server-time","args":[],"env":{}}` or
/// `{"name":"web","url":"http://127.0.0.1:8000/mcp"}`. The servers' environment is the
/// host's own, which the chat gives it when it starts it.
public struct ToolHostStart: Sendable, Equatable {
    /// The configured servers, in the config's order.
    public var servers: [ToolServerConfig]
    /// Where each stdio server's stderr is appended, as `NAME.log`.
    public var logDirectory: String
    /// The longest a call (or a server's start) may take.
    public var callTimeout: Duration
    /// Sent to servers in `initialize`.
    public var clientVersion: String

    /// The start of a host serving `servers`.
    public init(servers: [ToolServerConfig], logDirectory: String, callTimeout: Duration, clientVersion: String) {
        self.servers = servers
        self.logDirectory = logDirectory
        self.callTimeout = callTimeout
        self.clientVersion = clientVersion
    }
}

extension ToolHostStart: Codable {
    private enum Keys: String, CodingKey {
        case op, servers
        case logDirectory = "log_directory"
        case callTimeout = "call_timeout_ms"
        case clientVersion = "client_version"
    }

    /// Reads the start line; anything but `"op":"start"` is refused.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        let op = try container.decode(String.self, forKey: .op)
        guard op == "start" else {
            throw DecodingError.dataCorruptedError(forKey: .op, in: container, debugDescription: "expected \"start\", got \"\(op)\"")
        }
        servers = try container.decode([WireServer].self, forKey: .servers).map(\.config)
        logDirectory = try container.decode(String.self, forKey: .logDirectory)
        callTimeout = .milliseconds(try container.decode(Int.self, forKey: .callTimeout))
        clientVersion = try container.decodeIfPresent(String.self, forKey: .clientVersion) ?? "0"
    }

    /// Writes the start line's object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode("start", forKey: .op)
        try container.encode(servers.map(WireServer.init), forKey: .servers)
        try container.encode(logDirectory, forKey: .logDirectory)
        try container.encode(DurationText.milliseconds(callTimeout), forKey: .callTimeout)
        try container.encode(clientVersion, forKey: .clientVersion)
    }
}

/// One server on the wire: `command`/`args`/`env` for stdio, `url` for streamable HTTP.
private struct WireServer: Codable {
    var name: String
    var command: String?
    var args: [String]?
    var env: [String: String]?
    var url: String?

    init(_ config: ToolServerConfig) {
        name = config.name
        switch config.connection {
        case .stdio(let command, let arguments, let environment):
            self.command = command
            args = arguments
            env = environment
        case .http(let url):
            self.url = url
        }
    }

    var config: ToolServerConfig {
        if let command {
            return ToolServerConfig(name: name, connection: .stdio(command: command, arguments: args ?? [], environment: env ?? [:]))
        }
        return ToolServerConfig(name: name, connection: .http(url: url ?? ""))
    }
}
