import AsyncHTTPClient
import ChatCore
import Logging
import NIOCore
import NIOHTTP1

/// Reads one `POST /chat/completions` response on the connection's event loop.
///
/// A stream is parsed and decoded where the bytes arrive, and its events are handed to the
/// consuming task once per network read, with the text deltas of that read joined
/// (`StreamEventBatch`). Reading the body as an async sequence instead costs a thread
/// wake-up per HTTP chunk, and OpenRouter sends one chunk per event: a fast stream of small
/// deltas then spent nearly all its time switching threads.
///
/// Every method runs on the request's event loop, which is what makes the mutable state safe
/// (hence `@unchecked Sendable`); `outcome` completes once, and `delivered` is read only after.
final class ChatCompletionReader: HTTPClientResponseDelegate, @unchecked Sendable {
    typealias Response = Void

    /// What a body that is read whole is for.
    private enum Purpose {
        case error(status: Int, retryAfter: Double?)
        case notAnAnswer(contentType: String)
        case answer
    }

    private enum Body {
        case waitingForHead
        case stream
        case whole(Purpose, limit: Int, truncate: Bool)
    }

    private let streamRequested: Bool
    private let events: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    private let maxBodyBytes: Int
    private let logger: Logger
    private let logging: Bool
    private let retryAfter: @Sendable (HTTPHeaders) -> Double?
    private let chatError: @Sendable (any Error) -> ChatError
    private let outcome: EventLoopPromise<Void>

    private var body = Body.waitingForHead
    private var bytes: [UInt8] = []
    private var parser: ServerSentEventParser
    private var decoder = ChatCompletionDecoder()
    private var batch = StreamEventBatch()
    private var flushScheduled = false
    /// Body parts parsed since the pending flush was scheduled.
    private var partsSinceFlushScheduled = 0
    private var sawDone = false
    private var sawFinish = false
    private var settled = false
    /// True once answer text, reasoning or images were decoded: the attempt is not retried.
    private(set) var delivered = false

    init(
        streamRequested: Bool, events: AsyncThrowingStream<StreamEvent, any Error>.Continuation, eventLoop: any EventLoop,
        maxBodyBytes: Int, maxLineBytes: Int, logger: Logger,
        retryAfter: @escaping @Sendable (HTTPHeaders) -> Double?, chatError: @escaping @Sendable (any Error) -> ChatError
    ) {
        self.streamRequested = streamRequested
        self.events = events
        self.maxBodyBytes = maxBodyBytes
        self.logger = logger
        self.logging = logger.logLevel <= .debug
        self.retryAfter = retryAfter
        self.chatError = chatError
        self.parser = ServerSentEventParser(maxLineBytes: maxLineBytes)
        self.outcome = eventLoop.makePromise()
    }

    /// Succeeds when the answer is complete (at `[DONE]`, before the connection finishes)
    /// and fails with a `ChatError`; every event is yielded before it completes.
    var result: EventLoopFuture<Void> { outcome.futureResult }

    // MARK: HTTPClientResponseDelegate

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        if logging {
            logger.debug("< HTTP \(head.status.code)")
            for (name, value) in head.headers { logger.debug("< \(name): \(value)") }
        }
        let contentType = head.headers.first(name: "content-type")?.lowercased() ?? ""
        if head.status != .ok {
            body = .whole(.error(status: Int(head.status.code), retryAfter: retryAfter(head.headers)), limit: 1024 * 1024, truncate: true)
        } else if contentType.hasPrefix("text/html") {
            // Not an answer: without this a stream request reported a login page as "stream ended early".
            body = .whole(.notAnAnswer(contentType: contentType), limit: 64 * 1024, truncate: true)
        } else if streamRequested && !contentType.contains("application/json") {
            body = .stream
        } else {
            // Asked for JSON, or the server answered a stream request with JSON (e.g. a 200-with-error).
            body = .whole(.answer, limit: maxBodyBytes, truncate: false)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        // After [DONE] the response normally just ends, and the connection can serve the next
        // turn. Data after it is not part of any answer: stop the transfer (closing the
        // connection) rather than read it in the background for as long as it comes.
        guard !settled else { return task.eventLoop.makeFailedFuture(ChatError.cancelled) }
        do {
            switch body {
            case .waitingForHead:
                break
            case .stream:
                try feed(buffer)
                if sawDone {
                    settle(.success(()))
                } else {
                    partsSinceFlushScheduled += 1
                    if !batch.isEmpty && !flushScheduled {
                        flushScheduled = true
                        partsSinceFlushScheduled = 0
                        scheduleFlush(on: task.eventLoop, deferrals: 0)
                    }
                }
            case .whole(let purpose, let limit, let truncate):
                guard bytes.count + buffer.readableBytes > limit else {
                    bytes.append(contentsOf: buffer.readableBytesView)
                    break
                }
                guard truncate else { throw ChatError.responseTooLarge(limitBytes: limit) }
                bytes.append(contentsOf: buffer.readableBytesView.prefix(limit - bytes.count))
                finishWhole(purpose)
                // The rest is not needed: stop the transfer (this closes the connection).
                return task.eventLoop.makeFailedFuture(ChatError.cancelled)
            }
        } catch {
            settle(.failure(chatError(error)))
            return task.eventLoop.makeFailedFuture(error)
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        guard !settled else { return }
        let mapped = chatError(error)
        if case .stream = body, case .connection(let url, _) = mapped {
            // The server was reached and answering: say that the stream broke, not that it
            // could not be reached. Still a connection failure, so it is retried when no
            // answer text had been shown yet.
            settle(.failure(.connection(url: url, reason: "the connection broke in the middle of the answer")))
        } else {
            settle(.failure(mapped))
        }
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        guard !settled else { return }
        switch body {
        case .waitingForHead:
            settle(.failure(.truncatedStream))
        case .stream:
            do {
                for event in parser.finish() { try handle(event) }
            } catch {
                settle(.failure(chatError(error)))
                return
            }
            settle(sawDone || sawFinish ? .success(()) : .failure(.truncatedStream))
        case .whole(let purpose, _, _):
            finishWhole(purpose)
        }
    }

    // MARK: Decoding

    private func feed(_ buffer: ByteBuffer) throws {
        var thrown: (any Error)?
        do {
            try parser.feed(buffer.readableBytesView) { event in
                guard thrown == nil, !sawDone else { return }
                do { try handle(event) } catch { thrown = error }
            }
        } catch let tooLong as ServerSentEventParser.LineTooLong {
            throw ChatError.responseTooLarge(limitBytes: tooLong.limit)
        }
        if let thrown { throw thrown }
    }

    private func handle(_ event: ServerSentEventParser.Event) throws(ChatError) {
        guard case .data(let payload) = event else {
            if logging, case .comment(let text) = event { logger.debug("< :\(text)") }
            return
        }
        if logging { logger.debug("< data: \(payload)") }
        if payload == "[DONE]" {
            sawDone = true
            return
        }
        for item in try decoder.events(fromChunk: payload) {
            switch item {
            case .text, .reasoning, .images: delivered = true
            case .finish: sawFinish = true
            default: break
            }
            batch.append(item)
        }
    }

    private func finishWhole(_ purpose: Purpose) {
        switch purpose {
        case .error(let status, let retryAfter):
            settle(.failure(ChatCompletionDecoder.error(status: status, body: bytes, retryAfter: retryAfter)))
        case .notAnAnswer(let contentType):
            settle(.failure(ChatCompletionDecoder.notAnAnswer(contentType: contentType, body: bytes)))
        case .answer:
            if logging { logger.debug("< \(String(decoding: bytes.prefix(64 * 1024), as: UTF8.self))") }
            do {
                let answer = try ChatCompletionDecoder.response(fromBody: bytes)
                if let model = answer.model { batch.append(.model(model)) }
                if !answer.reasoning.isEmpty { batch.append(.reasoning(answer.reasoning)) }
                if !answer.content.isEmpty { batch.append(.text(answer.content)) }
                if !answer.images.isEmpty { batch.append(.images(answer.images)) }
                delivered = true
                batch.append(.finish(reason: answer.finishReason))
                if let usage = answer.usage { batch.append(.usage(usage)) }
                settle(.success(()))
            } catch {
                settle(.failure(error))
            }
        }
    }

    // MARK: Handing over

    /// Hands the batch over once the current network read has been parsed.
    ///
    /// AsyncHTTPClient delivers the parts of one read 50 at a time, queueing the rest behind
    /// any task queued meanwhile, so a flush queued at the first part would run after 50. It
    /// queues itself again while parts keep arriving (at most 8 times, and not past 256 KiB
    /// of text), so one read's events, up to about 400, cross to the rendering task together.
    private func scheduleFlush(on eventLoop: any EventLoop, deferrals: Int) {
        eventLoop.execute {
            guard self.flushScheduled else { return }  // settled meanwhile
            if self.partsSinceFlushScheduled > 0 && deferrals < 8 && self.batch.textBytes < 256 * 1024 {
                self.partsSinceFlushScheduled = 0
                self.scheduleFlush(on: eventLoop, deferrals: deferrals + 1)
                return
            }
            self.flushScheduled = false
            self.flush()
        }
    }

    private func flush() {
        for event in batch.take() { events.yield(event) }
    }

    /// Hands over what is left, then completes the outcome (once).
    private func settle(_ result: Result<Void, ChatError>) {
        guard !settled else { return }
        settled = true
        flushScheduled = false
        flush()
        bytes = []
        switch result {
        case .success: outcome.succeed(())
        case .failure(let error): outcome.fail(error)
        }
    }
}
