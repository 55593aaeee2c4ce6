import ChatCore
import Logging
import NIOCore
import NIOHTTP1

/// The chat transport that talks to OpenRouter (or any OpenAI-compatible API) through the
/// module's HTTP core (``OpenRouterHTTP``): streaming SSE or one JSON answer, retries with
/// backoff, timeouts, proxies, and every error of the protocol mapped to a `ChatError`.
public final class OpenRouterTransport: ChatTransport {
    /// How the transport connects and behaves.
    public struct Configuration: Sendable {
        /// API base, e.g. `https://openrouter.ai/api/v1` (no trailing slash).
        public var baseURL: String
        public var apiKey: String
        /// `HTTP-Referer` header.
        public var referer: String
        /// `X-Title` and `X-OpenRouter-Title` headers.
        public var title: String
        /// Time allowed to establish the connection.
        public var connectTimeout: Double
        /// Longest wait for the response head, and for the next complete data event of an
        /// answer (keep-alive comments and partial lines do not count).
        public var readTimeout: Double
        public var retry: RetryPolicy
        public var proxy: ProxySettings?
        /// Cap on a body read whole that is not an answer (the model list, the key).
        public var maxBodyBytes: Int
        /// Cap on an answer's text and reasoning (`max_answer_mb`).
        public var maxAnswerBytes: Int
        /// Cap on a single SSE line (a long stream of normal events is not limited).
        public var maxLineBytes: Int
        /// Wire log (request, headers with `Authorization` redacted, status, SSE lines) at `.debug`.
        public var logger: Logger

        public init(
            baseURL: String, apiKey: String, referer: String = "https://bankfuture.com", title: String = "BankFuture",
            connectTimeout: Double = 10, readTimeout: Double = 60, retry: RetryPolicy = .init(), proxy: ProxySettings? = nil,
            maxBodyBytes: Int = 32 * 1024 * 1024, maxAnswerBytes: Int = 64 * 1024 * 1024, maxLineBytes: Int = 16 * 1024 * 1024,
            logger: Logger = Logger(label: "bankfuture-chat.wire", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.baseURL = OpenRouterHTTP.Endpoint.trimmingTrailingSlashes(baseURL)
            self.apiKey = apiKey
            self.referer = referer
            self.title = title
            self.connectTimeout = connectTimeout
            self.readTimeout = readTimeout
            self.retry = retry
            self.proxy = proxy
            self.maxBodyBytes = maxBodyBytes
            self.maxAnswerBytes = maxAnswerBytes
            self.maxLineBytes = maxLineBytes
            self.logger = logger
        }
    }

    public let configuration: Configuration
    /// The HTTP core this transport sends through; image generators may share it.
    public let http: OpenRouterHTTP
    /// Whether ``shutdown()`` closes `http`: only when this transport made it.
    private let ownsHTTP: Bool
    private let endpoint: OpenRouterHTTP.Endpoint

    /// A transport with a core of its own, closed by ``shutdown()``.
    /// - Parameters:
    ///   - clock: every wait between attempts sleeps on it.
    ///   - now: the wall clock (seconds since 1970), for `Retry-After` given as a date.
    public convenience init(
        configuration: Configuration, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Double = OpenRouterHTTP.wallClock
    ) {
        self.init(
            configuration: configuration, http: OpenRouterHTTP(configuration: .transport(configuration), clock: clock, now: now),
            owned: true)
    }

    /// A transport that sends through `http`, which its maker shuts down. The connect timeout,
    /// proxy and logger of `configuration` are `http`'s business then.
    public convenience init(configuration: Configuration, http: OpenRouterHTTP) {
        self.init(configuration: configuration, http: http, owned: false)
    }

    private init(configuration: Configuration, http: OpenRouterHTTP, owned: Bool) {
        self.configuration = configuration
        self.http = http
        self.ownsHTTP = owned
        endpoint = .openRouter(
            baseURL: configuration.baseURL, apiKey: configuration.apiKey, referer: configuration.referer, title: configuration.title)
    }

    /// Closes connections, when the core is this transport's own. Call once before the process exits.
    public func shutdown() async {
        if ownsHTTP { await http.shutdown() }
    }

    public func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await self.send(request, continuation: continuation)
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: Task.isCancelled ? ChatError.cancelled : error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    public func listModels() async throws -> [ModelInfo] {
        try ChatCompletionDecoder.models(fromBody: try await get(path: "/models"))
    }

    /// Every model, image-only ones included: OpenRouter lists only text-output models by default.
    public func listAllModels() async throws -> [ModelInfo] {
        try ChatCompletionDecoder.models(fromBody: try await get(path: "/models?output_modalities=all"))
    }

    public func generation(id: String) async throws -> GenerationInfo {
        let query = id.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_")
        }
        guard query else { throw ChatError.invalidRequest(reason: "the generation id is not one OpenRouter gives") }
        return try GenerationInfo(decoding: try await get(path: "/generation?id=" + id))
    }

    /// `GET {base}/key`: the key's label, usage and limits, as raw JSON bytes.
    public func keyInfo() async throws -> [UInt8] {
        try await get(path: "/key")
    }

    // MARK: - Sending

    private func request(path: String, method: HTTPMethod, body: RequestBody?) -> OpenRouterHTTP.Request {
        OpenRouterHTTP.Request(
            endpoint: endpoint, path: path, method: method, body: body, accept: "application/json, text/event-stream",
            readTimeout: configuration.readTimeout, maxBodyBytes: configuration.maxBodyBytes)
    }

    /// Sends with retries, each announced as a `.retrying` event. A failure after answer text
    /// was delivered is never retried.
    private func send(_ request: ChatRequest, continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation) async throws {
        let post = self.request(path: "/chat/completions", method: .POST, body: request.body())
        let limits = ChatCompletionStateMachine.Limits(
            maxAnswerBytes: configuration.maxAnswerBytes, maxLineBytes: configuration.maxLineBytes,
            progressTimeout: UInt64(configuration.readTimeout * 1_000_000_000), timeoutSeconds: configuration.readTimeout)
        let http = self.http
        try await http.withRetries(configuration.retry, onRetry: { continuation.yield(.retrying($0)) }) {
            (retryable: inout Bool) async throws(ChatError) in
            // The answer is read by a `ChatCompletionReader` on the event loop, which yields its
            // events into `continuation` as they arrive.
            let eventLoop = http.nextEventLoop()
            let reader = ChatCompletionReader(
                streamRequested: request.stream, limits: limits, events: continuation, eventLoop: eventLoop, wireLog: http.wireLog,
                retryAfter: { http.retryAfter($0) }, chatError: { http.mapError($0, for: post) },
                now: { NIODeadline.now().uptimeNanoseconds })
            defer { retryable = !reader.delivered }
            // No deadline: the reader's timeout (for the head, then for each event) bounds every
            // stage, and a long answer may take minutes.
            try await http.send(post, reader: reader, on: eventLoop)
        }
    }

    private func get(path: String) async throws(ChatError) -> [UInt8] {
        try await http.fetch(request(path: path, method: .GET, body: nil), retry: RetryPolicy(maxRetries: 0)).body
    }
}
