/// Builds OpenRouter-shaped chat-completion bodies: streamed chunks and whole answers.
///
/// The shapes follow what OpenRouter sends: every chunk carries `id`, `provider`, `model`,
/// `object`, `created` and `choices`; deltas repeat `role`; the last content chunk carries
/// `finish_reason`; usage comes in its own final chunk.
struct CompletionBuilder: Sendable {
    /// The generation id, such as `gen-fake-3`.
    var id: String
    /// The model reported as having answered.
    var model: String
    /// Unix time of the generation.
    var created: Int
    /// The provider name OpenRouter reports.
    var provider = "FakeProvider"

    func with(model: String) -> CompletionBuilder {
        var copy = self
        copy.model = model
        return copy
    }

    private func envelope(object: String, _ rest: [(String, JSONText)]) -> JSONText {
        .object(
            [
                ("id", .string(id)),
                ("provider", .string(provider)),
                ("model", .string(model)),
                ("object", .string(object)),
                ("created", .int(created)),
            ] + rest)
    }

    private func choice(delta: [(String, JSONText)], finishReason: String?) -> JSONText {
        .object([
            ("index", .int(0)),
            ("delta", .object(delta)),
            ("finish_reason", finishReason.map(JSONText.string) ?? .null),
            ("native_finish_reason", finishReason.map(JSONText.string) ?? .null),
            ("logprobs", .null),
        ])
    }

    /// A chunk whose delta has these members.
    func chunk(delta: [(String, JSONText)], finishReason: String? = nil) -> JSONText {
        envelope(
            object: "chat.completion.chunk",
            [("choices", .array([choice(delta: [("role", .string("assistant"))] + delta, finishReason: finishReason)]))])
    }

    /// One content chunk per piece; the last carries `finishReason` and the members of
    /// `lastDelta` (such as `annotations`). No pieces gives one empty chunk that only finishes.
    func textChunks(_ pieces: [String], finishReason: String = "stop", lastDelta: [(String, JSONText)] = []) -> [JSONText] {
        let pieces = pieces.isEmpty ? [""] : pieces
        return pieces.enumerated().map { index, piece in
            let isLast = index == pieces.count - 1
            return chunk(
                delta: [("content", .string(piece))] + (isLast ? lastDelta : []), finishReason: isLast ? finishReason : nil)
        }
    }

    /// The final usage chunk: `choices: []`, or one choice with an empty delta repeating `"stop"`.
    func usageChunk(_ usage: FakeUsage, withEmptyChoice: Bool) -> JSONText {
        let choices: JSONText =
            withEmptyChoice
            ? .array([choice(delta: [("role", .string("assistant")), ("content", .string(""))], finishReason: "stop")])
            : .array([])
        return envelope(object: "chat.completion.chunk", [("choices", choices), ("usage", usage.json)])
    }

    /// A mid-stream error chunk: top-level `error` and a choice finishing with `"error"`.
    func midStreamErrorChunk(code: String = "server_error", message: String = "Provider disconnected") -> JSONText {
        envelope(
            object: "chat.completion.chunk",
            [
                ("error", .object([("code", .string(code)), ("message", .string(message))])),
                ("choices", .array([choice(delta: [("content", .string(""))], finishReason: "error")])),
            ])
    }

    /// A whole (non-streamed) answer. `extraMessage` adds members to `message` (reasoning, images,
    /// tool calls); `nil` content is sent as `null`, as with tool calls. `error` puts an error
    /// object in the choice, as a 200 that failed after starting does.
    func completion(
        content: String?, usage: FakeUsage, finishReason: String = "stop",
        extraMessage: [(String, JSONText)] = [], error: JSONText? = nil
    ) -> JSONText {
        var choice: [(String, JSONText)] = [
            ("index", .int(0)),
            ("logprobs", .null),
            ("finish_reason", .string(finishReason)),
            ("native_finish_reason", .string(finishReason)),
            (
                "message",
                .object(
                    [("role", .string("assistant")), ("content", content.map(JSONText.string) ?? .null), ("refusal", .null)]
                        + extraMessage)
            ),
        ]
        if let error { choice.append(("error", error)) }
        return envelope(object: "chat.completion", [("choices", .array([.object(choice)])), ("usage", usage.json)])
    }
}
