/// What the connection handler does for one request: an optional response head, the body
/// writes with pauses between them, and how the response ends.
///
/// Every reply, scripted or default, becomes a plan, so one small executor
/// (``FakeHTTPHandler``) covers normal answers, slow streams, stalls and dropped connections.
struct ResponsePlan: Sendable {
    /// Status and header fields of the response head.
    struct Head: Sendable {
        var status: Int
        var headers: [(String, String)]
    }

    /// What happens after the last write.
    enum Ending: Sendable {
        /// Finish the response (chunked terminator if chunked); the connection stays reusable.
        case complete
        /// Send nothing more and keep the connection open until the client or shutdown closes it.
        case stall
        /// Close the TCP connection without finishing the response.
        case drop
    }

    /// `nil` sends no head at all (only meaningful with `.stall` or `.drop`).
    var head: Head?
    /// Body writes, each flushed on its own (and so its own HTTP chunk when chunked).
    var writes: [[UInt8]]
    /// Pause before the first write (after the head) and between writes.
    var delayBetweenWrites: Duration = .zero
    /// Pause before the head is sent, to model a slow upstream.
    var delayBeforeHead: Duration = .zero
    var ending: Ending = .complete

    /// A complete response with `Content-Length`.
    static func body(status: Int, contentType: String, body: [UInt8], extraHeaders: [(String, String)] = []) -> ResponsePlan {
        ResponsePlan(
            head: Head(
                status: status,
                headers: [("Content-Type", contentType), ("Content-Length", String(body.count))] + extraHeaders),
            writes: [body])
    }

    /// A complete JSON response with `Content-Length`.
    static func json(status: Int = 200, _ value: JSONText, extraHeaders: [(String, String)] = []) -> ResponsePlan {
        body(status: status, contentType: "application/json", body: Array(value.encoded.utf8), extraHeaders: extraHeaders)
    }

    /// An OpenRouter error body `{"error":{"code","message","metadata"}}` with that HTTP status.
    static func error(status: Int, message: String, metadataJSON: String? = nil, retryAfter: String? = nil) -> ResponsePlan {
        var members: [(String, JSONText)] = [("code", .int(status)), ("message", .string(message))]
        if let metadataJSON { members.append(("metadata", .raw(metadataJSON))) }
        return json(
            status: status, .object([("error", .object(members))]),
            extraHeaders: retryAfter.map { [("Retry-After", $0)] } ?? [])
    }

    /// The head of every event stream. No `Content-Length`, so the encoder uses chunked encoding.
    static let eventStreamHead = Head(
        status: 200,
        headers: [("Content-Type", "text/event-stream"), ("Cache-Control", "no-cache")])

    /// A server-sent-event stream of `items`, laid out on the wire as `options` says.
    static func eventStream(_ items: [ServerSentEvent], options: StreamOptions) -> ResponsePlan {
        let eol = options.crlf ? "\r\n" : "\n"
        var all = Array(repeating: ServerSentEvent.keepAlive, count: max(0, options.keepAliveComments)) + items
        if options.sendDone { all.append(.done) }
        let encoded = all.map { Array($0.encoded(lineEnding: eol).utf8) }

        let writes: [[UInt8]]
        if let size = options.chunkSize, size > 0 {
            let bytes = encoded.flatMap { $0 }
            writes = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
        } else {
            writes = encoded
        }
        return ResponsePlan(head: eventStreamHead, writes: writes, delayBetweenWrites: options.delayBetweenWrites)
    }

}

extension ResponsePlan {
    /// The plan for a scripted reply. `chunks` supplies ids and timestamps for generated chunks.
    init(_ reply: FakeReply, chunks: CompletionBuilder) {
        switch reply {
        case .stream(let payloads, let options):
            self = .eventStream(payloads.map(ServerSentEvent.data), options: options)
        case .streamText(let pieces, let model, let usage, let options):
            let chunks = chunks.with(model: model)
            self = .eventStream(
                chunks.textChunks(pieces).map { .data($0.encoded) }
                    + [.data(chunks.usageChunk(usage, withEmptyChoice: options.usageWithEmptyChoice).encoded)],
                options: options)
        case .completion(let content, let model, let usage):
            self = .json(chunks.with(model: model).completion(content: content, usage: usage))
        case .error(let status, let message, let metadataJSON, let retryAfter):
            self = .error(status: status, message: message, metadataJSON: metadataJSON, retryAfter: retryAfter)
        case .raw(let status, var headers, let body):
            let names = Set(headers.map { $0.0.lowercased() })
            if !names.contains("content-length") && !names.contains("transfer-encoding") {
                headers.append(("Content-Length", String(body.count)))
            }
            self = ResponsePlan(head: Head(status: status, headers: headers), writes: [body])
        case .stall(let bytes):
            self = ResponsePlan(head: Self.eventStreamHead, writes: [bytes], ending: .stall)
        case .dropMidStream(let bytes):
            self = ResponsePlan(head: Self.eventStreamHead, writes: [bytes], ending: .drop)
        case .dropBeforeHead:
            self = ResponsePlan(head: nil, writes: [], ending: .drop)
        }
    }
}

/// One item of a server-sent-event stream.
enum ServerSentEvent: Sendable {
    /// The comment OpenRouter sends while a request waits for a provider.
    case keepAlive
    /// A `data:` event carrying this payload.
    case data(String)
    /// `data: [DONE]`.
    case done

    func encoded(lineEnding eol: String) -> String {
        switch self {
        case .keepAlive: ": OPENROUTER PROCESSING" + eol + eol
        case .data(let payload):
            // A payload spanning lines becomes one `data:` line per line, as SSE requires.
            payload.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "data: " + $0 }.joined(separator: eol) + eol + eol
        case .done: "data: [DONE]" + eol + eol
        }
    }
}
