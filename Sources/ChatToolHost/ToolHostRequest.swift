import ChatCore

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A line the chat writes to the tool host after the start, one JSON object each:
///
/// | `op` | fields | the host answers |
/// |---|---|---|
/// | `tools` | `id`, `wait_ms`, `wait_for` (optional) | ``ToolHostReply/Body/tools(_:notices:starting:)`` |
/// | `call` | `id`, `server`, `name`, `arguments` (the model's text) | ``ToolHostReply/Body/result(_:)`` |
/// | `cancel` | `call` (the id of a pending call) | nothing of its own: the cancelled call answers |
/// | `states` | `id` | ``ToolHostReply/Body/states(_:)`` |
/// | `restart` | `id`, `server` | ``ToolHostReply/Body/restarted(_:)`` |
/// | `shutdown` | `id` | ``ToolHostReply/Body/stopped``, then the host exits 0 |
public struct ToolHostRequest: Sendable, Equatable {
    /// What is asked.
    public enum Operation: Sendable, Equatable {
        /// The tools of the ready servers, waiting up to `wait` for those still starting — or
        /// only for the servers `waitFor` names, when given (the chat has the others' lists).
        case tools(wait: Duration, waitFor: [String]? = nil)
        /// A tool call; `arguments` is the model's JSON text, as it gave it.
        case call(server: String, name: String, arguments: String)
        /// Cancel the pending call whose request id is `call`.
        case cancel(call: Int)
        /// How every server is doing.
        case states
        /// Stop and start one server again.
        case restart(server: String)
        /// Stop every server, answer, and exit.
        case shutdown
    }

    /// The id the answer carries; nil for `cancel`, which has no answer of its own.
    public var id: Int?
    /// What is asked.
    public var operation: Operation

    /// A request `id` for `operation`.
    public init(id: Int?, _ operation: Operation) {
        self.id = id
        self.operation = operation
    }
}

extension ToolHostRequest: Codable {
    private enum Keys: String, CodingKey {
        case op, id, server, name, arguments, call
        case wait = "wait_ms"
        case waitFor = "wait_for"
    }

    /// Reads one request line's object.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        id = try container.decodeIfPresent(Int.self, forKey: .id)
        let op = try container.decode(String.self, forKey: .op)
        switch op {
        case "tools":
            operation = .tools(
                wait: .milliseconds(try container.decode(Int.self, forKey: .wait)),
                waitFor: try container.decodeIfPresent([String].self, forKey: .waitFor))
        case "call":
            operation = .call(
                server: try container.decode(String.self, forKey: .server), name: try container.decode(String.self, forKey: .name),
                arguments: try container.decode(String.self, forKey: .arguments))
        case "cancel":
            operation = .cancel(call: try container.decode(Int.self, forKey: .call))
        case "states":
            operation = .states
        case "restart":
            operation = .restart(server: try container.decode(String.self, forKey: .server))
        case "shutdown":
            operation = .shutdown
        default:
            throw DecodingError.dataCorruptedError(forKey: .op, in: container, debugDescription: "unknown op \"\(op)\"")
        }
    }

    /// Writes one request line's object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(id, forKey: .id)
        switch operation {
        case .tools(let wait, let waitFor):
            try container.encode("tools", forKey: .op)
            try container.encode(DurationText.milliseconds(wait), forKey: .wait)
            try container.encodeIfPresent(waitFor, forKey: .waitFor)
        case .call(let server, let name, let arguments):
            try container.encode("call", forKey: .op)
            try container.encode(server, forKey: .server)
            try container.encode(name, forKey: .name)
            try container.encode(arguments, forKey: .arguments)
        case .cancel(let call):
            try container.encode("cancel", forKey: .op)
            try container.encode(call, forKey: .call)
        case .states:
            try container.encode("states", forKey: .op)
        case .restart(let server):
            try container.encode("restart", forKey: .op)
            try container.encode(server, forKey: .server)
        case .shutdown:
            try container.encode("shutdown", forKey: .op)
        }
    }
}
