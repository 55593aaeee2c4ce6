/// One scripted answer to a `POST /chat/completions` request, queued with
/// ``FakeOpenRouter/enqueue(_:)``.
public enum FakeReply: Sendable {
    /// Streams these SSE `data:` payloads (JSON text, without `"data: "`), then
    /// `data: [DONE]` if `options.sendDone`.
    case stream([String], StreamOptions = .init())

    /// Streams a text answer as OpenRouter-shaped chunks, one per element of `pieces`, answered by
    /// `model`; then a final usage chunk with `choices: []` (or, with
    /// ``StreamOptions/usageWithEmptyChoice``, one choice with an empty delta that repeats
    /// `finish_reason: "stop"`), then `[DONE]` if `options.sendDone`.
    case streamText(pieces: [String], model: String, usage: FakeUsage = .init(), options: StreamOptions = .init())

    /// A non-streamed `200` answer:
    /// `{"id","model","choices":[{"message":{"role":"assistant","content":…},"finish_reason":"stop"}],"usage":{…}}`.
    case completion(content: String, model: String, usage: FakeUsage = .init())

    /// An error before streaming: HTTP `status` with body
    /// `{"error":{"code":status,"message":message,"metadata":metadata}}`.
    ///
    /// `metadataJSON` is raw JSON text for the `metadata` object (`nil` omits it);
    /// `retryAfter` is the value of a `Retry-After` header (`nil` sends none).
    case error(status: Int, message: String, metadataJSON: String? = nil, retryAfter: String? = nil)

    /// Any status, headers and body, sent as given: an HTML error page, a 200 carrying an
    /// error, garbage, invalid UTF-8.
    ///
    /// A `Content-Length` header is added when `headers` has neither `Content-Length` nor
    /// `Transfer-Encoding`, so the connection stays reusable.
    case raw(status: Int, headers: [(String, String)], body: [UInt8])

    /// Sends the response head (`200`, `text/event-stream`) and these raw bytes, then stalls
    /// without closing until the client closes or the server shuts down.
    case stall(afterBytes: [UInt8])

    /// Sends the response head (`200`, `text/event-stream`) and these raw bytes, then closes
    /// the TCP connection abruptly: no `[DONE]`, no chunked-encoding terminator.
    case dropMidStream(afterBytes: [UInt8])

    /// Closes the connection as soon as the request arrives, before any response head.
    case dropBeforeHead
}

/// How a streamed reply is put on the wire.
public struct StreamOptions: Sendable {
    /// Splits the encoded SSE byte stream into writes of this many bytes; `nil` writes each
    /// event (and each keep-alive comment) separately.
    ///
    /// Splits land anywhere, including inside UTF-8 characters and between `\r` and `\n`,
    /// because real networks do that too. Each write goes out as its own HTTP chunk.
    public var chunkSize: Int?
    /// How many `: OPENROUTER PROCESSING` comment lines precede the first event.
    public var keepAliveComments: Int
    /// The pause between two writes; makes slow streams for cancellation tests.
    public var delayBetweenWrites: Duration
    /// Whether `data: [DONE]` ends the stream.
    public var sendDone: Bool
    /// Whether lines end with `\r\n` instead of `\n`.
    public var crlf: Bool
    /// Whether the usage chunk of ``FakeReply/streamText(pieces:model:usage:options:)`` carries
    /// one choice with an empty delta and `finish_reason: "stop"` instead of `choices: []`.
    public var usageWithEmptyChoice: Bool

    /// Creates stream options; the defaults give one write per event, one keep-alive comment,
    /// no delay, `\n` line endings and a final `[DONE]`.
    public init(
        chunkSize: Int? = nil,
        keepAliveComments: Int = 1,
        delayBetweenWrites: Duration = .zero,
        sendDone: Bool = true,
        crlf: Bool = false,
        usageWithEmptyChoice: Bool = false
    ) {
        self.chunkSize = chunkSize
        self.keepAliveComments = keepAliveComments
        self.delayBetweenWrites = delayBetweenWrites
        self.sendDone = sendDone
        self.crlf = crlf
        self.usageWithEmptyChoice = usageWithEmptyChoice
    }
}
