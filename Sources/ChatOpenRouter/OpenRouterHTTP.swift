import AsyncHTTPClient
import ChatCore
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The HTTP core of this module: one `HTTPClient` for chat answers, `GET /models`, `GET /key`
/// and both image APIs, each request naming its own endpoint (base URL, key, extra headers).
///
/// It alone builds headers, writes the wire log, retries, and maps library errors to
/// `ChatError`. Every wait between attempts is a sleep on the injected clock, and an HTTP-date
/// `Retry-After` is read against the injected wall clock, so tests check delays without
/// waiting them. Call ``shutdown()`` once before the process exits; ``using(_:configuration:_:)``
/// makes a short-lived one for a caller that has none.
public final class OpenRouterHTTP: Sendable {
    /// How the client connects. What differs per request (endpoint, read timeout, size cap,
    /// retries) comes with the request.
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection.
        public var connectTimeout: Double
        public var proxy: ProxySettings?
        /// The wire log at `.debug` (`Authorization` redacted).
        public var logger: Logger

        public init(
            connectTimeout: Double = 10, proxy: ProxySettings? = nil,
            logger: Logger = Logger(label: "bankfuture-chat.wire", factory: { _ in SwiftLogNoOpLogHandler() })
        ) {
            self.connectTimeout = connectTimeout
            self.proxy = proxy
            self.logger = logger
        }

        /// How a chat transport with `configuration` connects.
        public static func transport(_ configuration: OpenRouterTransport.Configuration) -> Configuration {
            Configuration(connectTimeout: configuration.connectTimeout, proxy: configuration.proxy, logger: configuration.logger)
        }

        /// How image generators with `settings` connect.
        public static func images(_ settings: ImageHTTPSettings) -> Configuration {
            Configuration(connectTimeout: settings.connectTimeout, proxy: settings.proxy, logger: settings.logger)
        }

        /// Whether a client made with `self` connects as one made with `other` would (the
        /// logger aside): the same connect timeout and proxy.
        func connectsLike(_ other: Configuration) -> Bool {
            connectTimeout == other.connectTimeout && proxy == other.proxy
        }
    }

    /// One request: where, what, and how long to wait for it.
    struct Request: Sendable {
        var endpoint: Endpoint
        /// Appended to the endpoint's base URL (empty for a download).
        var path: String
        var method: HTTPMethod
        var body: RequestBody?
        var accept: String
        /// Longest wait for the response head and for the next bytes after it; the number the
        /// timeout error names.
        var readTimeout: Double
        /// Cap on a body read whole; an error page over it is cut, an answer over it refused.
        var maxBodyBytes: Int = 32 * 1024 * 1024
        /// Whether the start of a body read whole goes into the wire log (not for `GET /key`,
        /// whose body names the key).
        var logsBody = false

        var url: String { endpoint.baseURL + path }
    }

    /// A response read whole.
    struct Response: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]

        var contentType: String { headers.first(name: "content-type") ?? "" }
    }

    /// The wall clock used when no other is injected: seconds since 1970.
    public static let wallClock: @Sendable () -> Double = { Date().timeIntervalSince1970 }

    static let userAgent = "bankfuture-chat/\(BuildInfo.version)"

    public let configuration: Configuration
    let wireLog: WireLog
    private let clock: any Clock<Duration>
    private let now: @Sendable () -> Double
    private let client: HTTPClient
    /// Image downloads follow redirects, and AsyncHTTPClient's redirect policy belongs to a
    /// client, not a request: so downloads have a second client, made at the first download.
    private let downloads = Mutex(DownloadClient.notMade)

    private enum DownloadClient {
        case notMade
        case open(HTTPClient)
        case shutDown
    }

    /// - Parameters:
    ///   - clock: every wait between attempts (backoff, `Retry-After`) sleeps on it.
    ///   - now: the wall clock, in seconds since 1970, for `Retry-After` given as a date.
    public init(
        configuration: Configuration, clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Double = OpenRouterHTTP.wallClock
    ) {
        self.configuration = configuration
        self.wireLog = WireLog(logger: configuration.logger)
        self.clock = clock
        self.now = now
        client = Self.makeClient(configuration, followRedirects: false)
    }

    /// Closes every connection. Call once; requests after it fail.
    public func shutdown() async {
        let download = downloads.withLock { state -> HTTPClient? in
            defer { state = .shutDown }
            if case .open(let client) = state { return client }
            return nil
        }
        // A request that has just ended gives its connection back to the pool on that
        // connection's event loop, a moment after its answer was handed over. Shutting down
        // before that (a one-shot exits right after its answer) lets AsyncHTTPClient 1.37 see
        // the connection closed and then released, which trips its precondition ("A connection
        // that we don't know was released?", SIGILL; seen in 1 of ~10 loaded runs). One pass
        // over every event loop runs whatever they were asked to do before.
        for eventLoop in client.eventLoopGroup.makeIterator() {
            try? await eventLoop.submit {}.get()
        }
        try? await download?.shutdown()
        try? await client.shutdown()
    }

    /// Runs `body` with `shared`, or with a client made for the call and shut down after it
    /// (so a caller without one has nothing to remember).
    static func using<T>(
        _ shared: OpenRouterHTTP?, configuration: Configuration, _ body: (OpenRouterHTTP) async throws -> T
    ) async throws -> T {
        if let shared { return try await body(shared) }
        let http = OpenRouterHTTP(configuration: configuration)
        do {
            let result = try await body(http)
            await http.shutdown()
            return result
        } catch {
            await http.shutdown()
            throw error
        }
    }

    private static func makeClient(_ configuration: Configuration, followRedirects: Bool) -> HTTPClient {
        var settings = HTTPClient.Configuration()
        // No read timeout on the client: each request has its own (a chat answer's
        // timeout_seconds, an image model's longer wait), kept by its reader on the event loop.
        settings.timeout = .init(connect: .milliseconds(Int64(configuration.connectTimeout * 1000)), read: nil)
        settings.redirectConfiguration = followRedirects ? .follow(max: 5, allowCycles: false) : .disallow
        // Connection failures go to our own retry policy (max_retries, notices). Left on,
        // AsyncHTTPClient silently retries a refused connection until the connect timeout, so
        // "connection refused" took connect timeout x (1 + max_retries) to appear.
        settings.connectionPool.retryConnectionEstablishment = false
        if let proxy = configuration.proxy {
            let authorization = proxy.username.map { HTTPClient.Authorization.basic(username: $0, password: proxy.password ?? "") }
            settings.proxy = .server(host: proxy.host, port: proxy.port, authorization: authorization)
        }
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
    }

    private func client(for endpoint: Endpoint) throws(ChatError) -> HTTPClient {
        guard endpoint.followsRedirects else { return client }
        let download = downloads.withLock { state -> HTTPClient? in
            switch state {
            case .open(let client):
                return client
            case .notMade:
                let client = Self.makeClient(configuration, followRedirects: true)
                state = .open(client)
                return client
            case .shutDown:
                return nil
            }
        }
        guard let download else { throw .cancelled }
        return download
    }

    /// The event loop a request's reader runs on.
    func nextEventLoop() -> any EventLoop { client.eventLoopGroup.any() }

    // MARK: - Sending

    /// The headers of every request: the key (if any), the body's type, `Accept`, the
    /// endpoint's own headers, `User-Agent`.
    func headers(for request: Request) -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let key = request.endpoint.apiKey { headers.add(name: "Authorization", value: "Bearer \(key)") }
        if request.body != nil { headers.add(name: "Content-Type", value: "application/json") }
        headers.add(name: "Accept", value: request.accept)
        for (name, value) in request.endpoint.headers { headers.add(name: name, value: value) }
        headers.add(name: "User-Agent", value: Self.userAgent)
        return headers
    }

    /// One attempt of `request`, read by `reader` on `eventLoop`: its value, or the error
    /// mapped to a `ChatError`. Cancelling the task cancels the request.
    func send<Reader: ResponseReader>(
        _ request: Request, reader: Reader, on eventLoop: any EventLoop, deadline: NIODeadline? = nil
    ) async throws(ChatError) -> Reader.Value {
        let http: HTTPClient.Request
        do {
            http = try HTTPClient.Request(
                url: request.url, method: request.method, headers: headers(for: request), body: request.body.map(Self.httpBody))
        } catch {
            throw mapError(error, for: request)
        }
        let client = try client(for: request.endpoint)
        wireLog.request(method: request.method, url: request.url, headers: http.headers, body: request.body)
        let task = client.execute(request: http, delegate: reader, eventLoop: .delegate(on: eventLoop), deadline: deadline)
        do {
            return try await withTaskCancellationHandler {
                try await reader.result.get()
            } onCancel: {
                task.cancel()
            }
        } catch {
            // The reader's own timeout fired while the connection may still be open (no byte
            // since): close it. Every other failure reached the client already (a delegate
            // callback failed, or the client reported it); cancelling those again raced the
            // client's own clean-up and tripped its precondition ("A connection that we don't
            // know was released?") about once in ten loaded test runs.
            if case ChatError.timeout = error { task.cancel() }
            throw Task.isCancelled ? .cancelled : mapError(error, for: request)
        }
    }

    /// Sends `request` and reads its whole body, retrying what `retry` allows. A status
    /// outside 2xx throws the server's error (`ChatCompletionDecoder.error(status:body:retryAfter:)`).
    func fetch(_ request: Request, retry: RetryPolicy) async throws(ChatError) -> Response {
        try await withRetries(retry) { (_: inout Bool) async throws(ChatError) -> Response in
            let eventLoop = nextEventLoop()
            let collector = ResponseCollector(
                limit: request.maxBodyBytes, readTimeout: request.readTimeout, logsBody: request.logsBody, wireLog: wireLog,
                eventLoop: eventLoop)
            // The whole exchange is bounded too, so a body that trickles in cannot take forever.
            let deadline = NIODeadline.now() + .milliseconds(Int64((configuration.connectTimeout + request.readTimeout) * 1000))
            let response = try await send(request, reader: collector, on: eventLoop, deadline: deadline)
            guard (200..<300).contains(response.status) else {
                throw ChatCompletionDecoder.error(status: response.status, body: response.body, retryAfter: retryAfter(response.headers))
            }
            return response
        }
    }

    // MARK: - Retries

    /// Runs `attempt` until it succeeds, `policy` gives up, or the task is cancelled, sleeping
    /// on the clock between attempts. An attempt that must not be repeated (answer text was
    /// shown) sets its `retryable` to false before it throws. `onRetry` hears of each retry
    /// before its wait.
    func withRetries<T>(
        _ policy: RetryPolicy, onRetry: (RetryNotice) -> Void = { _ in },
        _ attempt: (_ retryable: inout Bool) async throws(ChatError) -> T
    ) async throws(ChatError) -> T {
        var retry = 0
        while true {
            var retryable = true
            do {
                return try await attempt(&retryable)
            } catch {
                guard retryable, !Task.isCancelled, let delay = policy.delay(beforeRetry: retry + 1, after: error) else { throw error }
                retry += 1
                let notice = RetryNotice(attempt: retry, delaySeconds: delay, reason: Self.retryReason(error))
                wireLog.retry(notice)
                onRetry(notice)
                do { try await clock.sleep(for: .milliseconds(Int64(delay * 1000))) } catch { throw .cancelled }
            }
        }
    }

    /// What a retry notice says failed.
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

    /// The `Retry-After` of a response, in seconds from now.
    func retryAfter(_ headers: HTTPHeaders) -> Double? {
        headers.first(name: "retry-after").flatMap { RetryPolicy.parseRetryAfter($0, now: now()) }
    }

    /// A library error as the user reads it (see `HTTPFailure`), naming the request's endpoint.
    func mapError(_ error: any Error, for request: Request) -> ChatError {
        HTTPFailure.chatError(
            for: error, url: request.endpoint.displayURL, connectTimeout: configuration.connectTimeout, readTimeout: request.readTimeout)
    }
}

/// The HTTP delegate of one request: reads the response on its event loop and settles
/// `result` once, with a value or an error.
protocol ResponseReader: HTTPClientResponseDelegate where Response == Void {
    associatedtype Value: Sendable
    var result: EventLoopFuture<Value> { get }
}
