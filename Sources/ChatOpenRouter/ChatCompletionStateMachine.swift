import ChatCore

/// Reading one `POST /chat/completions` response, as a state machine without I/O.
///
/// The HTTP delegate (``ChatCompletionReader``) feeds it what the connection delivers —
/// the head, body parts, the end, an error, a timer tick — with the time, and performs the
/// ``Action`` it returns: hand events to the consumer, come back for a flush once the
/// event loop has run what is queued, stop the transfer, settle the request. So every
/// decision (what a body means, when a batch is handed over, when the answer is complete,
/// too large, or stalled) is tested by feeding inputs, not sockets.
///
/// Progress is a complete data event (for a body read whole: the whole body). Keep-alive
/// comments and partial lines are not progress: a stream of nothing but
/// `: OPENROUTER PROCESSING`, or one that trickles bytes, fails with `.timeout` once
/// `progressTimeout` has passed since the last event. The wait for the response head, from
/// the moment the request was sent, is bounded by `progressTimeout` too.
struct ChatCompletionStateMachine {
    /// What the caller must do after an input.
    enum Action: Equatable {
        case none
        /// Hand these events to the consumer.
        case deliver([StreamEvent])
        /// Call ``flushTick()`` once the event loop has run what is already queued.
        case scheduleFlush
        /// Stop the transfer (close the connection): nothing more is needed from it.
        case stopTransfer
        /// The answer is complete: hand over these events, then succeed.
        case succeed([StreamEvent])
        /// The request failed: hand over these events, then fail; `stopTransfer` when the
        /// connection may still be delivering.
        case fail([StreamEvent], ChatError, stopTransfer: Bool)
    }

    /// What a body that is read whole is for.
    enum Purpose: Equatable {
        case error(status: Int, retryAfter: Double?)
        case notAnAnswer(contentType: String)
        case answer
    }

    private enum State {
        case waitingForHead
        case streaming
        case collecting(Purpose, limit: Int, truncate: Bool)
        case finished
    }

    /// The caps and the timeout.
    struct Limits {
        /// Longest answer accepted, in bytes: text, reasoning, reasoning details, images and
        /// tool-call arguments together.
        var maxAnswerBytes: Int
        /// Longest single SSE line or event.
        var maxLineBytes: Int
        /// Longest wait for the response head, and for the next complete data event, in nanoseconds.
        var progressTimeout: UInt64
        /// The timeout in seconds, for the error message.
        var timeoutSeconds: Double
    }

    private let streamRequested: Bool
    private let limits: Limits
    private var state = State.waitingForHead
    private var parser: ServerSentEventParser
    private var decoder = ChatCompletionDecoder()
    private var batch = StreamEventBatch()
    private var body: [UInt8] = []
    private var flushScheduled = false
    private var partsSinceFlushScheduled = 0
    private var flushDeferrals = 0
    private var sawDone = false
    private var sawFinish = false
    private var answerBytes = 0
    private var lastProgress: UInt64 = 0
    private var requestWasSent = false
    /// True once answer text, reasoning or images were decoded: the attempt is not retried.
    private(set) var delivered = false

    init(streamRequested: Bool, limits: Limits) {
        self.streamRequested = streamRequested
        self.limits = limits
        parser = ServerSentEventParser(maxLineBytes: limits.maxLineBytes)
    }

    /// Whether the request is settled (the caller has succeeded or failed it).
    var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// When the progress timer should fire next, while the response is being read.
    var progressDeadline: UInt64? {
        switch state {
        case .streaming, .collecting: return lastProgress &+ limits.progressTimeout
        case .waitingForHead: return requestWasSent ? lastProgress &+ limits.progressTimeout : nil
        case .finished: return nil
        }
    }

    // MARK: Inputs

    /// The request was sent whole: the wait for the response head starts.
    mutating func requestSent(now: UInt64) {
        guard case .waitingForHead = state, !requestWasSent else { return }
        requestWasSent = true
        lastProgress = now
    }

    mutating func head(status: Int, contentType: String, retryAfter: Double?, now: UInt64) -> Action {
        guard case .waitingForHead = state else { return .none }
        lastProgress = now
        let type = contentType.lowercased()
        if status != 200 {
            state = .collecting(.error(status: status, retryAfter: retryAfter), limit: 1024 * 1024, truncate: true)
        } else if type.hasPrefix("text/html") {
            // Not an answer: without this a stream request reported a login page as "stream ended early".
            state = .collecting(.notAnAnswer(contentType: type), limit: 64 * 1024, truncate: true)
        } else if streamRequested && !type.contains("application/json") {
            state = .streaming
        } else {
            // Asked for JSON, or the server answered a stream request with JSON (a 200-with-error).
            // The JSON around an answer is small next to it; allow one MiB of it.
            state = .collecting(.answer, limit: limits.maxAnswerBytes + 1024 * 1024, truncate: false)
        }
        return .none
    }

    mutating func body(_ bytes: UnsafeRawBufferPointer, now: UInt64) -> Action {
        switch state {
        case .waitingForHead:
            return .none
        case .finished:
            // After [DONE] the response normally just ends, and the connection can serve the
            // next turn. Data after it is not part of any answer: stop the transfer.
            return .stopTransfer
        case .streaming:
            do {
                try feed(bytes, now: now)
            } catch {
                return fail(error, stopTransfer: true)
            }
            if sawDone { return settle(nil, stopTransfer: false) }
            partsSinceFlushScheduled += 1
            guard !batch.isEmpty, !flushScheduled else { return .none }
            flushScheduled = true
            partsSinceFlushScheduled = 0
            flushDeferrals = 0
            return .scheduleFlush
        case .collecting(let purpose, let limit, let truncate):
            guard self.body.count + bytes.count > limit else {
                self.body.append(contentsOf: bytes)
                return .none
            }
            guard truncate else {
                if case .answer = purpose { return fail(.answerTooLarge(limitBytes: limits.maxAnswerBytes), stopTransfer: true) }
                return fail(.responseTooLarge(limitBytes: limit), stopTransfer: true)
            }
            self.body.append(contentsOf: bytes.prefix(limit - self.body.count))
            // The rest is not needed (an error page shown as a snippet).
            return finishWhole(purpose, stopTransfer: true)
        }
    }

    /// The flush asked for by `.scheduleFlush` is due.
    ///
    /// AsyncHTTPClient delivers the parts of one network read 50 at a time, queueing the rest
    /// behind any task queued meanwhile, so a flush queued at the first part would run after
    /// 50. It asks to be queued again while parts keep arriving (at most 8 times, and not past
    /// 256 KiB of text), so one read's events, up to about 400, cross to the consumer together.
    mutating func flushTick() -> Action {
        guard flushScheduled, case .streaming = state else { return .none }
        if partsSinceFlushScheduled > 0 && flushDeferrals < 8 && batch.textBytes < 256 * 1024 {
            partsSinceFlushScheduled = 0
            flushDeferrals += 1
            return .scheduleFlush
        }
        flushScheduled = false
        return .deliver(batch.take())
    }

    /// The connection failed (already mapped to a `ChatError`).
    mutating func failed(_ error: ChatError) -> Action {
        switch state {
        case .finished:
            return .none
        case .streaming:
            if case .connection(let url, _) = error {
                // The server was reached and answering: say that the stream broke, not that it
                // could not be reached. Still a connection failure, so it is retried when no
                // answer text had been shown yet.
                return fail(.connection(url: url, reason: "the connection broke in the middle of the answer"), stopTransfer: false)
            }
            return fail(error, stopTransfer: false)
        default:
            return fail(error, stopTransfer: false)
        }
    }

    /// The response ended.
    mutating func ended() -> Action {
        switch state {
        case .finished:
            return .none
        case .waitingForHead:
            return fail(.truncatedStream, stopTransfer: false)
        case .streaming:
            do {
                for event in parser.finish() { try handle(event, now: lastProgress) }
            } catch {
                return fail(error, stopTransfer: false)
            }
            return sawDone || sawFinish ? settle(nil, stopTransfer: false) : fail(.truncatedStream, stopTransfer: false)
        case .collecting(let purpose, _, _):
            return finishWhole(purpose, stopTransfer: false)
        }
    }

    /// The progress timer fired at `now`: a timeout when nothing complete arrived for
    /// `progressTimeout`; otherwise `.none`, and ``progressDeadline`` says when to check again.
    mutating func progressTimerFired(now: UInt64) -> Action {
        guard let deadline = progressDeadline, now >= deadline else { return .none }
        return fail(.timeout(seconds: limits.timeoutSeconds), stopTransfer: true)
    }

    // MARK: Decoding

    private mutating func feed(_ bytes: UnsafeRawBufferPointer, now: UInt64) throws(ChatError) {
        var thrown: ChatError?
        // The parser calls back into `handle`, which mutates self: take it out meanwhile
        // (the placeholder allocates nothing, and the buffers stay uniquely referenced).
        var parser = self.parser
        self.parser = ServerSentEventParser(maxLineBytes: 0)
        defer { self.parser = parser }
        do {
            try parser.feed(bytes) { event in
                guard thrown == nil, !sawDone else { return }
                do throws(ChatError) { try handle(event, now: now) } catch { thrown = error }
            }
        } catch let tooLong as ServerSentEventParser.LineTooLong {
            throw .responseTooLarge(limitBytes: tooLong.limit)
        } catch {
            throw .malformedResponse("the event stream could not be read")
        }
        if let thrown { throw thrown }
    }

    private mutating func handle(_ event: ServerSentEventParser.Event, now: UInt64) throws(ChatError) {
        guard case .data(let payload) = event else { return }  // comments are not progress
        lastProgress = now
        if payload == "[DONE]" {
            sawDone = true
            return
        }
        for item in try decoder.events(fromChunk: payload) {
            try take(item)
        }
    }

    private mutating func take(_ item: StreamEvent) throws(ChatError) {
        switch item {
        case .text(let text), .reasoning(let text):
            delivered = true
            answerBytes += text.utf8.count
            if answerBytes > limits.maxAnswerBytes { throw .answerTooLarge(limitBytes: limits.maxAnswerBytes) }
        case .images(let urls):
            delivered = true
            answerBytes += urls.reduce(0) { $0 + $1.utf8.count }
            if answerBytes > limits.maxAnswerBytes { throw .answerTooLarge(limitBytes: limits.maxAnswerBytes) }
        case .toolCall(let piece):
            delivered = true
            answerBytes += piece.arguments.utf8.count
            if answerBytes > limits.maxAnswerBytes { throw .answerTooLarge(limitBytes: limits.maxAnswerBytes) }
        case .reasoningDetails(let items):
            // Kept whole to be sent back, so they count as the answer does (not shown: no `delivered`).
            answerBytes += items.reduce(0) { $0 + $1.approximateTextBytes }
            if answerBytes > limits.maxAnswerBytes { throw .answerTooLarge(limitBytes: limits.maxAnswerBytes) }
        case .finish:
            sawFinish = true
        default:
            break
        }
        batch.append(item)
    }

    private mutating func finishWhole(_ purpose: Purpose, stopTransfer: Bool) -> Action {
        let bytes = body
        body = []
        switch purpose {
        case .error(let status, let retryAfter):
            return fail(ChatCompletionDecoder.error(status: status, body: bytes, retryAfter: retryAfter), stopTransfer: stopTransfer)
        case .notAnAnswer(let contentType):
            return fail(ChatCompletionDecoder.notAnAnswer(contentType: contentType, body: bytes), stopTransfer: stopTransfer)
        case .answer:
            do {
                for event in try ChatCompletionDecoder.events(fromBody: bytes) { try take(event) }
                delivered = true
                return settle(nil, stopTransfer: stopTransfer)
            } catch {
                return fail(error, stopTransfer: stopTransfer)
            }
        }
    }

    private mutating func settle(_ error: ChatError?, stopTransfer: Bool) -> Action {
        state = .finished
        flushScheduled = false
        let events = batch.take()
        guard let error else { return .succeed(events) }
        return .fail(events, error, stopTransfer: stopTransfer)
    }

    private mutating func fail(_ error: ChatError, stopTransfer: Bool) -> Action {
        settle(error, stopTransfer: stopTransfer)
    }
}

extension JSONValue {
    /// About the size of the value's JSON text: its strings and keys as UTF-8, and a few bytes
    /// for every other value and separator. Enough to bound what an answer keeps.
    fileprivate var approximateTextBytes: Int {
        switch self {
        case .string(let text): text.utf8.count + 2
        case .number, .bool, .null: 8
        case .array(let items): items.reduce(2) { $0 + $1.approximateTextBytes + 1 }
        case .object(let members): members.reduce(2) { $0 + $1.key.utf8.count + 4 + $1.value.approximateTextBytes }
        }
    }
}
