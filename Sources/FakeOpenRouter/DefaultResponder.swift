/// The fake's answers when no scripted reply is queued: echo chat completions, the model list,
/// key info, generation records, and the `fake/…` scenario models.
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
        ("fake/reasoning-details", "reasoning_details: a signed text block, an encrypted item"),
        ("fake/huge-reasoning-details", "64 reasoning_details items of 256 KiB each (16 MiB), then the echo"),
        ("fake/moderation", "HTTP 403 flagged by moderation, with metadata"),
        ("fake/cyrillic", "\"Привет, мир! 👋🏽\" sent one byte per write"),
        ("fake/tools", "call the first offered tool, then quote tool results"),
        ("fake/tools-2", "two tool calls in one answer (index 0 and 1)"),
        ("fake/web", "echo with url_citation annotations (so does plugin web)"),
        ("fake/length", "a partial answer, finish_reason length"),
        ("fake/length-empty", "no text, all tokens spent reasoning; finish length"),
        ("fake/content-filter", "a partial answer, finish_reason content_filter"),
        ("fake/provider-error", "HTTP 400 from the provider: provider_name and raw"),
        ("fake/context", "HTTP 400, error_type context_length_exceeded"),
    ]

    /// A 1×1 PNG, answered when the request asks for image output.
    static let tinyPNGBase64 =
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

    var models: [FakeModel]
    /// The record of an answer the fake gave, by its id, for `GET /generation`.
    var lookUpGeneration: @Sendable (String) -> FakeGeneration? = { _ in nil }

    func plan(for request: RecordedRequest, chunks: CompletionBuilder) -> ResponsePlan {
        if let plan = FakeImages.plan(for: request, chunks: chunks, models: models) { return plan }
        switch (request.method, request.route) {
        case ("POST", "/chat/completions"):
            return chat(request, chunks: chunks)
        case ("GET", "/models"):
            let listed = FakeModel.listed(models, outputModalities: request.query("output_modalities"))
            return .json(.object([("data", .array(listed.map(\.json)))]))
        case ("GET", "/key"):
            return Self.keyInfo
        case ("GET", "/generation"):
            return generationInfo(request)
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
        let echo = "Echo: " + lastUser + MultimodalEcho.notes(for: request)

        guard model.hasPrefix("fake/") else {
            var answer = answer(echo, request: request)
            if (body["modalities"] as? [String])?.contains("image") == true {
                let image: JSONText = .object([
                    ("type", .string("image_url")),
                    ("image_url", .object([("url", .string("data:image/png;base64," + Self.tinyPNGBase64))])),
                ])
                answer.leadingDeltas = [[("content", .string("")), ("images", .array([image]))]]
                answer.messageExtras = [("images", .array([image]))]
            }
            return answer.plan(chunks: chunks, streaming: streaming)
        }
        let scenario = String(model.dropFirst("fake/".count))
        if let answer = cutShortAnswer(scenario, request: request, echo: echo) {
            return answer.plan(chunks: chunks, streaming: streaming)
        }
        switch scenario {
        case "echo", "web":
            return answer(echo, request: request).plan(chunks: chunks, streaming: streaming)

        case "tools", "tools-2":
            return toolScenario(request, chunks: chunks, calls: scenario == "tools" ? 1 : 2, echo: echo)

        case "reasoning", "reasoning-details":
            return reasoningAnswer(echo, request: request, withDetails: scenario == "reasoning-details")
                .plan(chunks: chunks, streaming: streaming)

        case "huge-reasoning-details":
            return hugeReasoningAnswer(echo, request: request).plan(chunks: chunks, streaming: streaming)

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
            var answer = answer(Self.slowAnswer(echo: echo), request: request)
            answer.options = StreamOptions(delayBetweenWrites: .milliseconds(300))
            var plan = answer.plan(chunks: chunks, streaming: streaming)
            if !streaming {
                // As long as the streamed version takes, so waiting can be interrupted too.
                plan.delayBeforeHead = .milliseconds(300) * Self.pieces(of: answer.text).count
            }
            return plan

        case "stall":
            guard streaming else { return ResponsePlan(head: nil, writes: [], ending: .stall) }
            return ResponsePlan(
                head: ResponsePlan.eventStreamHead,
                writes: [Array(ServerSentEvent.keepAlive.encoded(lineEnding: "\n").utf8)], ending: .stall)

        case "drop":
            guard streaming else {
                var plan = answer(echo, request: request).plan(chunks: chunks, streaming: false)
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

        case "moderation":
            return Self.errorScenario(status: 403, lastUser: lastUser)

        case "provider-error":
            return Self.providerError

        case "context":
            return Self.contextLengthError

        case "cyrillic":
            // One byte per write splits every multi-byte character across HTTP chunks.
            var answer = answer("Привет, мир! 👋🏽", request: request)
            answer.options = StreamOptions(chunkSize: 1)
            return answer.plan(chunks: chunks, streaming: streaming)

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

    /// The answer `text` with usage from the request, and citations when it searches the web.
    func answer(_ text: String, request: RecordedRequest, reasoningTokens: Int = 0) -> FakeAnswer {
        var answer = FakeAnswer(text: text, usage: usage(request, answer: text, reasoningTokens: reasoningTokens))
        if WebCitations.isRequested(by: request) { answer.annotations = WebCitations.annotations(for: text) }
        return answer
    }

    private func unknownScenario(_ model: String) -> ResponsePlan {
        .error(
            status: 400,
            message: "\(model) is not a valid model ID. Fake scenarios: "
                + Self.scenarios.map(\.model).joined(separator: ", "))
    }

    /// Deterministic usage: a token per 4 characters of the prompt, one per word of the answer
    /// plus `reasoningTokens`, and a cost of 0.0001 USD per token. Half the prompt is cached when
    /// the request asks for caching.
    func usage(_ request: RecordedRequest, answer: String, reasoningTokens: Int = 0) -> FakeUsage {
        let promptCharacters = request.messages.reduce(0) { $0 + $1.content.count }
        let prompt = max(1, promptCharacters / 4)
        let completion = Self.pieces(of: answer).count + reasoningTokens
        return FakeUsage(
            promptTokens: prompt, completionTokens: completion, cost: Double(prompt + completion) / 10_000,
            reasoningTokens: reasoningTokens
        ).caching(for: request)
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
}
