/// `fake/tools` and `fake/tools-2`: answers that call the offered tools, then quote their results.
///
/// - The request offers `tools` and its last message is not a `tool` result: a call to the first
///   tool (`fake/tools-2`: two calls, to the first two tools or to the first one twice), with
///   ``ToolArguments`` as arguments and `finish_reason: "tool_calls"`. Streamed, each call's first
///   piece has `index`, `id`, `type`, `function.name` and empty `arguments`; the arguments JSON
///   follows in pieces of 3 to 5 characters. Whole, `message.tool_calls` with `content: null`.
/// - The last messages are `tool` results: the text `The tool said: ` and their contents joined
///   with ` | `.
/// - No tools (or `tool_choice: "none"`): the echo.
extension DefaultResponder {
    func toolScenario(_ request: RecordedRequest, chunks: CompletionBuilder, calls: Int, echo: String) -> ResponsePlan {
        let streaming = request.stream == true
        let results = request.messages.reversed().prefix(while: { $0.role == "tool" }).reversed().map(\.content)
        if !results.isEmpty {
            return answer("The tool said: " + results.joined(separator: " | "), request: request)
                .plan(chunks: chunks, streaming: streaming)
        }
        let tools = (request.json?["tools"] as? [[String: Any]] ?? []).compactMap { $0["function"] as? [String: Any] }
        guard !tools.isEmpty, request.json?["tool_choice"] as? String != "none" else {
            return answer(echo, request: request).plan(chunks: chunks, streaming: streaming)
        }
        let toolCalls = (0..<calls).map { index in
            let tool = tools[min(index, tools.count - 1)]
            return FakeToolCall(
                index: index, id: "call_fake_\(index + 1)", name: tool["name"] as? String ?? "",
                arguments: ToolArguments.example(for: tool["parameters"] as? [String: Any]).encoded)
        }
        var usage = usage(request, answer: "")
        usage.completionTokens = toolCalls.reduce(0) { $0 + 1 + $1.argumentPieces.count }
        usage.cost = Double(usage.totalTokens) / 10_000

        guard streaming else {
            return .json(
                chunks.completion(
                    content: nil, usage: usage, finishReason: "tool_calls",
                    extraMessage: [("tool_calls", .array(toolCalls.map(\.whole)))]))
        }
        let callChunks = toolCalls.flatMap { call in
            call.streamedPieces.map { chunks.chunk(delta: [("tool_calls", .array([$0]))]) }
        }
        let events =
            callChunks + [chunks.chunk(delta: [], finishReason: "tool_calls"), chunks.usageChunk(usage, withEmptyChoice: false)]
        return .eventStream(events.map { .data($0.encoded) }, options: StreamOptions())
    }
}

/// One tool call of a fake answer.
struct FakeToolCall {
    var index: Int
    var id: String
    var name: String
    /// The arguments as JSON text, as `function.arguments` carries them.
    var arguments: String

    /// The call whole, as in `message.tool_calls`.
    var whole: JSONText {
        .object([
            ("id", .string(id)),
            ("type", .string("function")),
            ("function", .object([("name", .string(name)), ("arguments", .string(arguments))])),
        ])
    }

    /// `arguments` cut into pieces of 3 to 5 characters (3, 4, 5, 3, … with the end evened out
    /// so that no piece is shorter; arguments under 3 characters are one piece).
    var argumentPieces: [String] {
        var pieces: [String] = []
        var rest = Substring(arguments)
        while !rest.isEmpty {
            var size = 3 + pieces.count % 3
            if rest.count <= 5 {
                size = rest.count
            } else if rest.count - size < 3 {
                size = rest.count - 3
            }
            pieces.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return pieces
    }

    /// The `delta.tool_calls` items streaming this call: everything but the arguments first,
    /// then the argument pieces keyed by `index`.
    var streamedPieces: [JSONText] {
        let head = JSONText.object([
            ("index", .int(index)),
            ("id", .string(id)),
            ("type", .string("function")),
            ("function", .object([("name", .string(name)), ("arguments", .string(""))])),
        ])
        return [head]
            + argumentPieces.map { piece in
                .object([("index", .int(index)), ("function", .object([("arguments", .string(piece))]))])
            }
    }
}
