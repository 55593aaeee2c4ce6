import Foundation

/// One HTTP request as the fake received it, kept for assertions.
public struct RecordedRequest: Sendable {
    /// The HTTP method, such as `"POST"`.
    public var method: String
    /// The request target as sent, such as `"/api/v1/chat/completions"` (a query string, if
    /// any, is kept).
    public var path: String
    /// The header fields in the order received, names as spelled by the client.
    public var headers: [(name: String, value: String)]
    /// The raw body bytes.
    public var body: [UInt8]

    /// Creates a recorded request.
    public init(method: String, path: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.method = method
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first(where: { $0.name.lowercased() == wanted })?.value
    }

    /// The body decoded as UTF-8 (invalid sequences replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The body parsed with `JSONSerialization`; `nil` when it is not a JSON object.
    ///
    /// Computed on each access so that the struct stores only `Sendable` bytes.
    public var json: [String: Any]? {
        guard !body.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
    }

    /// The body's `model` field.
    public var model: String? { json?["model"] as? String }

    /// The body's `stream` field.
    public var stream: Bool? {
        json?["stream"] as? Bool
    }

    /// The body's `messages` as `(role, content)` pairs. Content given as an array of parts
    /// is reduced to its text parts joined together.
    public var messages: [(role: String, content: String)] {
        guard let list = json?["messages"] as? [[String: Any]] else { return [] }
        return list.map { message in
            (role: message["role"] as? String ?? "", content: Self.text(of: message["content"]))
        }
    }

    /// The body's `messages` as raw content parts, one array per message, in order: an array
    /// `content` as sent (`{"type":"image_url","image_url":{…}}` and so on), a string `content`
    /// as one `{"type":"text","text":…}` part, and a missing or `null` one as no parts.
    public var parts: [[[String: Any]]] {
        guard let list = json?["messages"] as? [[String: Any]] else { return [] }
        return list.map { message in
            if let text = message["content"] as? String { return [["type": "text", "text": text]] }
            return message["content"] as? [[String: Any]] ?? []
        }
    }

    /// The first value of the query parameter `name` (percent-decoded), such as `id` in
    /// `/generation?id=gen-fake-1`.
    public func query(_ name: String) -> String? {
        URLComponents(string: path)?.queryItems?.first(where: { $0.name == name })?.value
    }

    /// The path without the query string and without the `/api/v1` prefix, for routing.
    var route: String {
        var route = path
        if let query = route.firstIndex(of: "?") { route = String(route[..<query]) }
        if route.hasPrefix("/api/v1/") { route.removeFirst("/api/v1".count) }
        while route.count > 1 && route.hasSuffix("/") { route.removeLast() }
        return route
    }

    /// Whether this is a chat-completions call.
    var isChatCompletion: Bool { method == "POST" && route == "/chat/completions" }

    private static func text(of content: Any?) -> String {
        if let text = content as? String { return text }
        if let parts = content as? [[String: Any]] {
            return parts.compactMap { $0["text"] as? String }.joined()
        }
        return ""
    }
}
