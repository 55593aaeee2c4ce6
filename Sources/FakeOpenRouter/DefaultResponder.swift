/// The fake's answers when no scripted reply is queued: echo chat completions, the model list,
/// key info, and the `fake/…` scenario models.
///
/// Scenario models let a person or an end-to-end test drive the standalone `fake-openrouter`
/// binary into any failure mode just by choosing a model id.
struct DefaultResponder: Sendable {
    /// The scenario model ids the fake understands, with what each does.
    static let scenarios: [(model: String, effect: String)] = [
        ("fake/echo", "echo the last user message (as any other id does)"),
        ("fake/error-NNN", "HTTP error NNN; 429 and 503 add Retry-After: 1"),
        ("fake/midstream-error", "two text chunks, an error chunk, then [DONE]"),
        ("fake/error-first", "an error chunk as the first and only event"),
        ("fake/200-error", "HTTP 200 whose body is an error object"),
        ("fake/slow", "about 40 words, one every 300 ms"),
        ("fake/stall", "head and a keep-alive comment, then nothing"),
        ("fake/drop", "close the connection after one text chunk"),
        ("fake/html", "HTTP 502 with an HTML page"),
        ("fake/reasoning", "reasoning deltas before the answer"),
        ("fake/moderation", "HTTP 403 flagged by moderation, with metadata"),
        ("fake/cyrillic", "\"Привет, мир! 👋🏽\" sent one byte per write"),
    ]

    /// A 1×1 PNG, answered when the request asks for image output.
    static let tinyPNGBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

    var models: [FakeModel]

    func plan(for request: RecordedRequest, chunks: CompletionBuilder) -> ResponsePlan {
        if let plan = FakeImages.plan(for: request, chunks: chunks) { return plan }
        switch (request.method, request.route) {
        case ("POST", "/chat/completions"):
            return chat(request, chunks: chunks)
        case ("GET", "/models"):
            return .json(.object([("data", .array(models.map(\.json)))]))
        case ("GET", "/key"):
            return .json(
                .object([
                    (
                        "data",
                        .object([
                            ("label", .string("sk-or-v1-abc...xyz")),
                            ("usage", .double(1.25)),
                            ("limit", .int(10)),
                            ("limit_remaining", .double(8.75)),
                            ("is_free_tier", .bool(false)),
                        ])
                    )
                ]))
        default:
            return .error(status: 404, message: "Not Found: \(request.method) \(request.path)")
        }
    }

    // MARK: - Chat completions

    private func chat(_ request: RecordedRequest, chunks: CompletionBuilder) -> ResponsePlan {
        guard let body = request.json else {
            return .error(status: 400, message: "Invalid JSON in request body")
        }
        let model = body["model"] as? String ?? "openrouter/auto"
        let chunks = chunks.with(model: model)
        let streaming = request.stream == true
        let lastUser = request.messages.last(where: { $0.role == "user" })?.content ?? ""
        let echo = "Echo: " + lastUser

        guard model.hasPrefix("fake/") else {
            let wantsImage = (body["modalities"] as? [String])?.contains("image") == true
            return answer(echo, request: request, chunks: chunks, streaming: streaming, withImage: wantsImage)
        }
        let scenario = String(model.dropFirst("fake/".count))
        switch scenario {
        case "echo":
            return answer(echo, request: request, chunks: chunks, streaming: streaming)

        case "midstream-error", "error-first":
            let partial = scenario == "midstream-error" ? ["Partial", " answer"] : []
            guard streaming else {
                // Without streaming, OpenRouter reports the same failure as a 200 with `choices[0].error`.
                return .json(
                    chunks.completion(
                        content: partial.joined(), usage: usage(request, answer: partial.joined()),
                        finishReason: "error",
                        error: .object([("code", .string("server_error")), ("message", .string("Provider disconnected"))])))
            }
            let events = partial.map { chunks.chunk(delta: [("content", .string($0))]) } + [chunks.midStreamErrorChunk()]
            return .eventStream(
                events.map { .data($0.encoded) }, options: StreamOptions(sendDone: scenario == "midstream-error"))

        case "200-error":
            return .json(
                .object([("error", .object([("code", .int(502)), ("message", .string("Upstream provider returned an error"))]))]))

        case "slow":
            let text = Self.slowAnswer(echo: echo)
            var plan = answer(
                text, request: request, chunks: chunks, streaming: streaming,
                options: StreamOptions(delayBetweenWrites: .milliseconds(300)))
            if !streaming {
                // As long as the streamed version takes, so waiting can be interrupted too.
                plan.delayBeforeHead = .milliseconds(300) * Self.pieces(of: text).count
            }
            return plan

        case "stall":
            guard streaming else { return ResponsePlan(head: nil, writes: [], ending: .stall) }
            return ResponsePlan(
                head: ResponsePlan.eventStreamHead,
                writes: [Array(ServerSentEvent.keepAlive.encoded(lineEnding: "\n").utf8)], ending: .stall)

        case "drop":
            guard streaming else {
                var plan = answer(echo, request: request, chunks: chunks, streaming: false)
                let whole = plan.writes.flatMap { $0 }
                plan.writes = [Array(whole.prefix(whole.count / 2))]
                plan.ending = .drop
                return plan
            }
            let first = Self.pieces(of: echo).first ?? ""
            let bytes =
                ServerSentEvent.keepAlive.encoded(lineEnding: "\n")
                + ServerSentEvent.data(chunks.chunk(delta: [("content", .string(first))]).encoded).encoded(lineEnding: "\n")
            return ResponsePlan(head: ResponsePlan.eventStreamHead, writes: [Array(bytes.utf8)], ending: .drop)

        case "html":
            return .body(
                status: 502, contentType: "text/html; charset=utf-8",
                body: Array("<html><body><h1>502 Bad Gateway</h1></body></html>".utf8))

        case "reasoning":
            let thoughts = ["Let me think", " about this", " request."]
            guard streaming else {
                return .json(
                    chunks.completion(
                        content: echo, usage: usage(request, answer: echo),
                        extraMessage: [("reasoning", .string(thoughts.joined()))]))
            }
            let events =
                thoughts.map(chunks.reasoningChunk) + chunks.textChunks(Self.pieces(of: echo))
                + [chunks.usageChunk(usage(request, answer: echo), withEmptyChoice: false)]
            return .eventStream(events.map { .data($0.encoded) }, options: StreamOptions())

        case "moderation":
            return Self.errorScenario(status: 403, lastUser: lastUser)

        case "cyrillic":
            // One byte per write splits every multi-byte character across HTTP chunks.
            return answer(
                "Привет, мир! 👋🏽", request: request, chunks: chunks, streaming: streaming,
                options: StreamOptions(chunkSize: 1))

        // After the named scenarios, since "error-first" also starts with "error-".
        case _ where scenario.hasPrefix("error-"):
            guard let status = Int(scenario.dropFirst("error-".count)), (400...599).contains(status) else {
                return unknownScenario(model)
            }
            return Self.errorScenario(status: status, lastUser: lastUser)

        default:
            return unknownScenario(model)
        }
    }

    /// A normal answer with `text`, streamed one word per chunk or whole.
    private func answer(
        _ text: String, request: RecordedRequest, chunks: CompletionBuilder, streaming: Bool,
        withImage: Bool = false, options: StreamOptions = StreamOptions()
    ) -> ResponsePlan {
        let usage = usage(request, answer: text)
        let image: JSONText = .object([
            ("type", .string("image_url")),
            ("image_url", .object([("url", .string("data:image/png;base64," + Self.tinyPNGBase64))])),
        ])
        guard streaming else {
            return .json(
                chunks.completion(
                    content: text, usage: usage, extraMessage: withImage ? [("images", .array([image]))] : []))
        }
        let imageChunks = withImage ? [chunks.chunk(delta: [("content", .string("")), ("images", .array([image]))])] : []
        let events =
            imageChunks + chunks.textChunks(Self.pieces(of: text)) + [chunks.usageChunk(usage, withEmptyChoice: false)]
        return .eventStream(events.map { .data($0.encoded) }, options: options)
    }

    private func unknownScenario(_ model: String) -> ResponsePlan {
        .error(
            status: 400,
            message: "\(model) is not a valid model ID. Fake scenarios: "
                + Self.scenarios.map(\.model).joined(separator: ", "))
    }

    /// Deterministic usage: a token per 4 characters of the prompt, one per word of the answer,
    /// and a cost of 0.0001 USD per token.
    private func usage(_ request: RecordedRequest, answer: String) -> FakeUsage {
        let promptCharacters = request.messages.reduce(0) { $0 + $1.content.count }
        let prompt = max(1, promptCharacters / 4)
        let completion = Self.pieces(of: answer).count
        return FakeUsage(promptTokens: prompt, completionTokens: completion, cost: Double(prompt + completion) / 10_000)
    }

    // MARK: - Helpers

    /// Splits `text` into word pieces that keep their leading whitespace, so that joining the
    /// pieces gives back `text` exactly: `"a  b\nc"` → `["a", "  b", "\nc"]`.
    static func pieces(of text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var previousWasSpace = false
        for character in text {
            // A whitespace run after a word starts the next piece, like " world" tokens do.
            if character.isWhitespace && !previousWasSpace && current.contains(where: { !$0.isWhitespace }) {
                pieces.append(current)
                current = ""
            }
            current.append(character)
            previousWasSpace = character.isWhitespace
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// The echo followed by a fixed sentence, about forty words for a short question.
    static func slowAnswer(echo: String) -> String {
        echo + """
             This answer is streamed slowly, one word at a time, so that you can interrupt it \
            with Control-C, watch partial output arrive, and check that a cancelled turn leaves \
            the conversation history exactly as it was before the question was sent.
            """
    }

    /// A realistic error for status `status`, as OpenRouter words it.
    static func errorScenario(status: Int, lastUser: String) -> ResponsePlan {
        switch status {
        case 400: return .error(status: 400, message: "Invalid request: 'messages' must be a non-empty array")
        case 401: return .error(status: 401, message: "No auth credentials found")
        case 402:
            return .error(
                status: 402,
                message: "Insufficient credits. Add more using https://openrouter.ai/settings/credits")
        case 403:
            let flagged = lastUser.count > 100 ? String(lastUser.prefix(100)) + "..." : lastUser
            let metadata = JSONText.object([
                ("reasons", .array([.string("violence")])),
                ("flagged_input", .string(flagged)),
                ("provider_name", .string("FakeModerator")),
                ("model_slug", .string("fake/moderation")),
            ])
            return .error(
                status: 403, message: "fake/moderation requires moderation on FakeModerator. Your input was flagged for \"violence\"",
                metadataJSON: metadata.encoded)
        case 404: return .error(status: 404, message: "No endpoints found for this model.")
        case 408: return .error(status: 408, message: "Request timed out")
        case 429:
            return .error(
                status: 429, message: "Rate limit exceeded: free-models-per-min. Please retry shortly.", retryAfter: "1")
        case 500: return .error(status: 500, message: "Internal Server Error")
        case 502:
            return .error(
                status: 502, message: "Provider returned error",
                metadataJSON: #"{"provider_name":"FakeProvider","raw":"upstream connect error"}"#)
        case 503:
            return .error(status: 503, message: "No instances available for the requested model", retryAfter: "1")
        case 504: return .error(status: 504, message: "Gateway Timeout")
        case 524: return .error(status: 524, message: "Provider timed out")
        case 529: return .error(status: 529, message: "Provider is overloaded")
        default: return .error(status: status, message: "Fake error \(status)")
        }
    }
}
