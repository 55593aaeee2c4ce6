import Foundation

/// What `GET /generation?id=` reports about one answer the fake gave: its model, token counts,
/// cost and finish reason, read back from the answer as sent, so scripted replies count too.
struct FakeGeneration: Sendable {
    var id: String
    var model: String
    var promptTokens = 0
    var completionTokens = 0
    var reasoningTokens = 0
    var cachedTokens = 0
    var totalCost = 0.0
    var finishReason: String?
    var streamed: Bool

    /// The generation that `plan` sends: nil unless it is a 200 answer whose body (or first
    /// chunk) has an `id`.
    init?(plan: ResponsePlan) {
        guard let head = plan.head, head.status == 200 else { return nil }
        let contentType = head.headers.first(where: { $0.0.lowercased() == "content-type" })?.1 ?? ""
        let bytes = plan.writes.flatMap { $0 }
        streamed = contentType.hasPrefix("text/event-stream")
        let objects = streamed ? Self.chunks(of: String(decoding: bytes, as: UTF8.self)) : [Self.object(Data(bytes))].compactMap { $0 }
        guard let id = objects.lazy.compactMap({ $0["id"] as? String }).first else { return nil }
        self.id = id
        model = objects.compactMap { $0["model"] as? String }.last ?? "openrouter/auto"
        for object in objects {
            let choice = (object["choices"] as? [[String: Any]])?.first
            if let reason = choice?["finish_reason"] as? String { finishReason = reason }
            guard let usage = object["usage"] as? [String: Any] else { continue }
            promptTokens = usage["prompt_tokens"] as? Int ?? 0
            completionTokens = usage["completion_tokens"] as? Int ?? 0
            totalCost = usage["cost"] as? Double ?? 0
            cachedTokens = (usage["prompt_tokens_details"] as? [String: Any])?["cached_tokens"] as? Int ?? 0
            reasoningTokens = (usage["completion_tokens_details"] as? [String: Any])?["reasoning_tokens"] as? Int ?? 0
        }
    }

    /// The `GET /generation` body.
    var json: JSONText {
        .object([
            (
                "data",
                .object([
                    ("id", .string(id)),
                    ("model", .string(model)),
                    ("provider_name", .string("FakeProvider")),
                    ("latency", .int(123)),
                    ("generation_time", .int(100)),
                    ("tokens_prompt", .int(promptTokens)),
                    ("tokens_completion", .int(completionTokens)),
                    ("native_tokens_prompt", .int(promptTokens)),
                    ("native_tokens_completion", .int(completionTokens)),
                    ("native_tokens_reasoning", .int(reasoningTokens)),
                    ("native_tokens_cached", .int(cachedTokens)),
                    ("total_cost", .double(totalCost)),
                    ("cache_discount", .null),
                    ("is_byok", .bool(false)),
                    ("finish_reason", finishReason.map(JSONText.string) ?? .null),
                    ("streamed", .bool(streamed)),
                ])
            )
        ])
    }

    /// The JSON objects of an event stream's `data:` events (lines of one event joined).
    private static func chunks(of text: String) -> [[String: Any]] {
        var objects: [[String: Any]] = []
        var data: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = line.hasSuffix("\r") ? line.dropLast() : line
            if line.isEmpty {
                if let object = object(Data(data.joined(separator: "\n").utf8)) { objects.append(object) }
                data = []
            } else if line.hasPrefix("data:") {
                data.append(String(line.dropFirst("data:".count).drop(while: { $0 == " " })))
            }
        }
        return objects
    }

    private static func object(_ data: Data) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}
