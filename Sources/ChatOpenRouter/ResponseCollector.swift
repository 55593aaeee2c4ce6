import AsyncHTTPClient
import ChatCore
import NIOCore
import NIOHTTP1

/// Reads a whole response on the connection's event loop, for every request that is not a
/// chat answer: the model list, the key, both image APIs, image downloads.
///
/// The body is kept up to `limit` bytes: past it an error page (a status outside 2xx) is cut
/// there, since only its start is shown, and anything else fails with
/// `ChatError.responseTooLarge`. The read timeout is this request's own: it fails with
/// `ChatError.timeout` when nothing arrives for `readTimeout` seconds after the request was
/// sent, or since the last bytes.
///
/// Every method runs on the request's event loop, which is what makes the mutable state safe
/// (hence `@unchecked Sendable`); `outcome` completes once.
final class ResponseCollector: ResponseReader, @unchecked Sendable {
    typealias Response = Void

    private let limit: Int
    private let readTimeout: Double
    private let logsBody: Bool
    private let wireLog: WireLog
    private let eventLoop: any EventLoop
    private let outcome: EventLoopPromise<OpenRouterHTTP.Response>
    private var status = 0
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []
    private var settled = false
    private var lastActivity = NIODeadline.now()
    private var timer: Scheduled<Void>?

    init(limit: Int, readTimeout: Double, logsBody: Bool, wireLog: WireLog, eventLoop: any EventLoop) {
        self.limit = limit
        self.readTimeout = readTimeout
        self.logsBody = logsBody
        self.wireLog = wireLog
        self.eventLoop = eventLoop
        outcome = eventLoop.makePromise()
    }

    var result: EventLoopFuture<OpenRouterHTTP.Response> { outcome.futureResult }

    private var isSuccess: Bool { (200..<300).contains(status) }

    // MARK: HTTPClientResponseDelegate

    func didSendRequest(task: HTTPClient.Task<Void>) {
        touch()
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        wireLog.responseHead(head)
        status = Int(head.status.code)
        headers = head.headers
        touch()
        return eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        guard !settled else { return eventLoop.makeFailedFuture(ChatError.cancelled) }
        touch()
        guard body.count + buffer.readableBytes > limit else {
            body.append(contentsOf: buffer.readableBytesView)
            return eventLoop.makeSucceededVoidFuture()
        }
        guard !isSuccess else {
            settle(.failure(ChatError.responseTooLarge(limitBytes: limit)))
            return eventLoop.makeFailedFuture(ChatError.responseTooLarge(limitBytes: limit))
        }
        // An error page is shown as a snippet: its start is all that is needed. Stop the rest.
        body.append(contentsOf: buffer.readableBytesView.prefix(limit - body.count))
        finish()
        return eventLoop.makeFailedFuture(ChatError.cancelled)
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        settle(.failure(error))
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        finish()
    }

    // MARK: Settling

    private func finish() {
        guard !settled else { return }
        if logsBody || !isSuccess { wireLog.body(body) }
        settle(.success(OpenRouterHTTP.Response(status: status, headers: headers, body: body)))
    }

    private func settle(_ result: Result<OpenRouterHTTP.Response, any Error>) {
        guard !settled else { return }
        settled = true
        timer?.cancel()
        timer = nil
        body = []
        outcome.completeWith(result)
    }

    /// Bytes moved: the wait starts again, and the timer checks at its end.
    private func touch() {
        lastActivity = .now()
        guard timer == nil, !settled else { return }
        armTimer()
    }

    private func armTimer() {
        let deadline = lastActivity + .nanoseconds(Int64(readTimeout * 1_000_000_000))
        timer = eventLoop.scheduleTask(deadline: deadline) { [self] in
            timer = nil
            guard !settled else { return }
            if NIODeadline.now() >= lastActivity + .nanoseconds(Int64(readTimeout * 1_000_000_000)) {
                settle(.failure(ChatError.timeout(seconds: readTimeout)))
            } else {
                armTimer()
            }
        }
    }
}
