import AsyncHTTPClient
import ChatCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Logging
import NIOCore
import NIOHTTP1

/// The chat transport that talks to OpenRouter (or any OpenAI-compatible API) over HTTP
/// with AsyncHTTPClient: streaming SSE or one JSON answer, retries with backoff, timeouts,
/// proxies, and every error of the protocol mapped to a `ChatError`.
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
            var base = baseURL
            while base.hasSuffix("/") { base.removeLast() }
            self.baseURL = base
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
    private let client: HTTPClient

    public init(configuration: Configuration) {
        self.configuration = configuration
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.timeout = .init(
            connect: .milliseconds(Int64(configuration.connectTimeout * 1000)),
            read: .milliseconds(Int64(configuration.readTimeout * 1000)))
        clientConfiguration.redirectConfiguration = .disallow
        // Connection failures go to this transport's own retry policy (max_retries, notices).
        // Left on, AsyncHTTPClient silently retries a refused connection until the connect
        // timeout, so "connection refused" took connect timeout x (1 + max_retries) to appear.
        clientConfiguration.connectionPool.retryConnectionEstablishment = false
        if let proxy = configuration.proxy {
            let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            clientConfiguration.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
    }

    /// Closes connections. Call once before the process exits.
    public func shutdown() async {
        try? await client.shutdown()
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
        let body = try await get(path: "/models")
        return try ChatCompletionDecoder.models(fromBody: body)
    }

    /// `GET {base}/key`: the key's label, usage and limits, as raw JSON bytes.
    public func keyInfo() async throws -> [UInt8] {
        try await get(path: "/key")
    }

    // MARK: - Sending

    /// Sends with retries. A failure after answer text was delivered is never retried.
    private func send(_ request: ChatRequest, continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation) async throws {
        let body = request.jsonBody()
        var retry = 0
        while true {
            var delivered = false
            do {
                try await attempt(request, body: body, delivered: &delivered, continuation: continuation)
                return
            } catch {
                guard !delivered, !Task.isCancelled,
                    let delay = configuration.retry.delay(beforeRetry: retry + 1, after: error)
                else { throw error }
                retry += 1
                continuation.yield(.retrying(RetryNotice(attempt: retry, delaySeconds: delay, reason: Self.retryReason(error))))
                do { try await Task.sleep(for: .milliseconds(Int64(delay * 1000))) } catch { throw ChatError.cancelled }
            }
        }
    }

    static func retryReason(_ error: ChatError) -> String {
        switch error {
        case .api(let info, _) where info.status == 429: return "HTTP 429: rate limited"
        case .api(let info, _): return "HTTP \(info.status.map(String.init) ?? "?"): \(info.message)"
        case .httpStatus(let status, _, _): return status == 429 ? "HTTP 429: rate limited" : "HTTP \(status)"
        case .connection(_, let reason): return "connection failed (\(reason))"
        case .timeout: return "timed out"
        default: return error.oneLine()
        }
    }

    private func headers(hasBody: Bool) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: "Bearer \(configuration.apiKey)")
        if hasBody { headers.add(name: "Content-Type", value: "application/json") }
        headers.add(name: "Accept", value: "application/json, text/event-stream")
        headers.add(name: "HTTP-Referer", value: configuration.referer)
        headers.add(name: "X-Title", value: configuration.title)
        headers.add(name: "X-OpenRouter-Title", value: configuration.title)
        headers.add(name: "User-Agent", value: "bankfuture-chat/\(BuildInfo.version)")
        return headers
    }

    private func makeRequest(path: String, method: HTTPMethod, body: [UInt8]?) -> HTTPClientRequest {
        var http = HTTPClientRequest(url: configuration.baseURL + path)
        http.method = method
        http.headers = headers(hasBody: body != nil)
        if let body { http.body = .bytes(ByteBuffer(bytes: body)) }
        logRequest(method: method, url: http.url, headers: http.headers, body: body)
        return http
    }

    private func logRequest(method: HTTPMethod, url: String, headers: HTTPHeaders, body: [UInt8]?) {
        let logger = configuration.logger
        guard logger.logLevel <= .debug else { return }
        logger.debug("> \(method.rawValue) \(url)")
        for (name, value) in headers {
            logger.debug("> \(name): \(name.lowercased() == "authorization" ? "Bearer [REDACTED]" : value)")
        }
        if let body { logger.debug("> \(String(decoding: body, as: UTF8.self))") }
    }

    private func execute(_ http: HTTPClientRequest) async throws(ChatError) -> HTTPClientResponse {
        do {
            let response = try await client.execute(
                http, timeout: .milliseconds(Int64((configuration.connectTimeout + configuration.readTimeout) * 1000)))
            let logger = configuration.logger
            if logger.logLevel <= .debug {
                logger.debug("< HTTP \(response.status.code)")
                for (name, value) in response.headers { logger.debug("< \(name): \(value)") }
            }
            return response
        } catch {
            throw mapError(error)
        }
    }

    /// One `POST /chat/completions`. The response is read by a `ChatCompletionReader` on the
    /// event loop, which yields the answer's events into `continuation` as they arrive.
    private func attempt(
        _ request: ChatRequest, body: [UInt8], delivered: inout Bool,
        continuation: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    ) async throws(ChatError) {
        let url = configuration.baseURL + "/chat/completions"
        let http: HTTPClient.Request
        do {
            http = try HTTPClient.Request(url: url, method: .POST, headers: headers(hasBody: true), body: .bytes(body))
        } catch {
            throw mapError(error)
        }
        logRequest(method: .POST, url: url, headers: http.headers, body: body)
        let eventLoop = client.eventLoopGroup.any()
        let limits = ChatCompletionStateMachine.Limits(
            maxAnswerBytes: configuration.maxAnswerBytes, maxLineBytes: configuration.maxLineBytes,
            progressTimeout: UInt64(configuration.readTimeout * 1_000_000_000), timeoutSeconds: configuration.readTimeout)
        let reader = ChatCompletionReader(
            streamRequested: request.stream, limits: limits, events: continuation, eventLoop: eventLoop, logger: configuration.logger,
            retryAfter: Self.retryAfter, chatError: { [self] in mapError($0) }, now: { NIODeadline.now().uptimeNanoseconds })
        // No deadline: the connect timeout and the idle read timeout (which also covers the
        // wait for the response head) bound every stage, and a long answer may take minutes.
        let task = client.execute(request: http, delegate: reader, eventLoop: .delegate(on: eventLoop))
        defer { delivered = reader.delivered }
        do {
            try await withTaskCancellationHandler {
                try await reader.result.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            // A stalled connection may still be open (a timeout with no byte since): close it.
            task.cancel()
            throw Task.isCancelled ? .cancelled : mapError(error)
        }
    }

    private func get(path: String) async throws(ChatError) -> [UInt8] {
        let response = try await execute(makeRequest(path: path, method: .GET, body: nil))
        let body = try await ResponseBody.collect(response.body, limit: configuration.maxBodyBytes, truncate: false, mapError: mapError)
        guard response.status == .ok else {
            throw ChatCompletionDecoder.error(status: Int(response.status.code), body: body, retryAfter: Self.retryAfter(response.headers))
        }
        return body
    }

    private static func retryAfter(_ headers: HTTPHeaders) -> Double? {
        headers.first(name: "retry-after").flatMap { RetryPolicy.parseRetryAfter($0, now: Date().timeIntervalSince1970) }
    }

    /// Maps AsyncHTTPClient/NIO errors to the user-facing error.
    private func mapError(_ error: any Error) -> ChatError {
        HTTPFailure.chatError(
            for: error, url: configuration.baseURL, connectTimeout: configuration.connectTimeout, readTimeout: configuration.readTimeout)
    }
}

/// Reads a whole response body for every client of this module (the model list, the key,
/// image APIs).
enum ResponseBody {
    /// The body, up to `limit` bytes; past that it is cut there (`truncate`, for error pages
    /// shown as a snippet) or refused with `ChatError.responseTooLarge`.
    static func collect(
        _ body: HTTPClientResponse.Body, limit: Int, truncate: Bool, mapError: (any Error) -> ChatError
    ) async throws(ChatError) -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                if bytes.count + buffer.readableBytes > limit {
                    guard truncate else { throw ChatError.responseTooLarge(limitBytes: limit) }
                    bytes.append(contentsOf: buffer.readableBytesView.prefix(limit - bytes.count))
                    break
                }
                bytes.append(contentsOf: buffer.readableBytesView)
            }
        } catch {
            throw mapError(error)
        }
        return bytes
    }
}

