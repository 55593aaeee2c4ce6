import MCP

/// The few fields of a JSON-RPC message the HTTP transport routes by: the request or
/// response id, the method, the id a cancellation names, and the protocol version an
/// `initialize` result agrees on. Any field that is missing or of another shape is nil.
struct JSONRPCEnvelope: Decodable {
    var id: ID?
    var method: String?
    var cancelledRequest: ID?
    var protocolVersion: String?

    private enum Keys: String, CodingKey {
        case id, method, params, result, requestId, protocolVersion
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        id = try? container.decodeIfPresent(ID.self, forKey: .id)
        method = try? container.decodeIfPresent(String.self, forKey: .method)
        let params = try? container.nestedContainer(keyedBy: Keys.self, forKey: .params)
        cancelledRequest = try? params?.decodeIfPresent(ID.self, forKey: .requestId)
        let result = try? container.nestedContainer(keyedBy: Keys.self, forKey: .result)
        protocolVersion = try? result?.decodeIfPresent(String.self, forKey: .protocolVersion)
    }

    /// A message that carries a result or an error for request `id`.
    var isResponse: Bool { id != nil && method == nil }
}
