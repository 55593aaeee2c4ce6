import Foundation

@testable import FakeOpenRouter

/// Starts a fake, runs `body`, and always shuts the fake down.
func withFake<T>(_ body: (FakeOpenRouter) async throws -> T) async throws -> T {
    let fake = try await FakeOpenRouter.start()
    do {
        let result = try await body(fake)
        try await fake.shutdown()
        return result
    } catch {
        try await fake.shutdown()
        throw error
    }
}

/// Sends one request on a fresh connection and reads one response.
func exchange(
    _ fake: FakeOpenRouter, method: String = "POST", path: String = "/api/v1/chat/completions",
    headers: [(String, String)] = [("Content-Type", "application/json")], body: String = ""
) async throws -> RawResponse {
    let port = fake.port
    return try await onThread {
        let connection = try RawConnection(port: port)
        try connection.send(method: method, path: path, headers: headers, body: body)
        return try connection.readResponse()
    }
}

/// Posts the chat request `object` (encoded with `JSONSerialization`) to `fake`.
func chat(_ fake: FakeOpenRouter, _ object: [String: Any]) async throws -> RawResponse {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    return try await exchange(fake, body: String(decoding: data, as: UTF8.self))
}

/// Posts the chat request `object` to a fresh fake.
func chat(_ object: [String: Any]) async throws -> RawResponse {
    try await withFake { try await chat($0, object) }
}

/// A chat request for `model` with one user message and any other `fields`.
func request(_ model: String, stream: Bool, user: Any = "hi", _ fields: [String: Any] = [:]) -> [String: Any] {
    ["model": model, "stream": stream, "messages": [["role": "user", "content": user]]].merging(fields) { $1 }
}

extension EventStream {
    /// `choices[0].delta` of every chunk that has one.
    var deltas: [[String: Any]] {
        chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first)?["delta"] as? [String: Any] }
    }

    /// Every non-null `choices[0].finish_reason`, in order.
    var finishReasons: [String] {
        chunks.compactMap { (($0["choices"] as? [[String: Any]])?.first)?["finish_reason"] as? String }
    }

    /// The `usage` of the last chunk.
    var usage: [String: Any]? { chunks.last?["usage"] as? [String: Any] }
}

extension RawResponse {
    /// `choices[0]` of a whole answer.
    var choice: [String: Any]? { (json?["choices"] as? [[String: Any]])?.first }

    /// `choices[0].message` of a whole answer.
    var message: [String: Any]? { choice?["message"] as? [String: Any] }
}

/// Parses JSON text (such as tool-call arguments) into an object.
func jsonObject(_ text: String?) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data((text ?? "").utf8))) as? [String: Any]
}
