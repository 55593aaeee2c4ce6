import AsyncHTTPClient
import ChatCore
import NIOCore
import NIOHTTP1

/// Reads one `POST /chat/completions` response on the connection's event loop: the I/O
/// around ``ChatCompletionStateMachine``, which makes every decision.
///
/// A stream is parsed and decoded where the bytes arrive, and its events are handed to the
/// consuming task once per network read, with the text deltas of that read joined. Reading
/// the body as an async sequence instead costs a thread wake-up per HTTP chunk, and
/// OpenRouter sends one chunk per event: a fast stream of small deltas then spent nearly
/// all its time switching threads.
///
/// Every method runs on the request's event loop, which is what makes the mutable state safe
/// (hence `@unchecked Sendable`); `outcome` completes once, and `delivered` is read only after.
final class ChatCompletionReader: ResponseReader, @unchecked Sendable {
    typealias Response = Void

    private var machine: ChatCompletionStateMachine
    private let events: AsyncThrowingStream<StreamEvent, any Error>.Continuation
    private let eventLoop: any EventLoop
    private let wireLog: WireLog
    private let retryAfter: @Sendable (HTTPHeaders) -> Double?
    private let chatError: @Sendable (any Error) -> ChatError
    private let now: @Sendable () -> UInt64
    private let outcome: EventLoopPromise<Void>
    private var timer: Scheduled<Void>?

    /// - Parameter now: the clock, in nanoseconds (uptime); progress deadlines are on it.
    init(
        streamRequested: Bool, limits: ChatCompletionStateMachine.Limits,
        events: AsyncThrowingStream<StreamEvent, any Error>.Continuation, eventLoop: any EventLoop, wireLog: WireLog,
        retryAfter: @escaping @Sendable (HTTPHeaders) -> Double?, chatError: @escaping @Sendable (any Error) -> ChatError,
        now: @escaping @Sendable () -> UInt64
    ) {
        machine = ChatCompletionStateMachine(streamRequested: streamRequested, limits: limits)
        self.events = events
        self.eventLoop = eventLoop
        self.wireLog = wireLog
        self.retryAfter = retryAfter
        self.chatError = chatError
        self.now = now
        self.outcome = eventLoop.makePromise()
    }

    /// Succeeds when the answer is complete (at `[DONE]`, before the connection finishes)
    /// and fails with a `ChatError`; every event is yielded before it completes.
    var result: EventLoopFuture<Void> { outcome.futureResult }

    /// True once answer text, reasoning or images were decoded: the attempt is not retried.
    var delivered: Bool { machine.delivered }

    // MARK: HTTPClientResponseDelegate

    func didSendRequest(task: HTTPClient.Task<Void>) {
        machine.requestSent(now: now())
        armTimer()
    }

    func didReceiveHead(task: HTTPClient.Task<Void>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        wireLog.responseHead(head)
        let action = machine.head(
            status: Int(head.status.code), contentType: head.headers.first(name: "content-type") ?? "",
            retryAfter: retryAfter(head.headers), now: now())
        armTimer()
        return perform(action, on: task)
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Void>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        wireLog.streamPart(buffer)
        let action = buffer.withUnsafeReadableBytes { machine.body($0, now: now()) }
        return perform(action, on: task)
    }

    func didReceiveError(task: HTTPClient.Task<Void>, _ error: any Error) {
        _ = perform(machine.failed(chatError(error)), on: task)
    }

    func didFinishRequest(task: HTTPClient.Task<Void>) throws {
        _ = perform(machine.ended(), on: task)
    }

    // MARK: Actions

    private func perform(_ action: ChatCompletionStateMachine.Action, on task: HTTPClient.Task<Void>) -> EventLoopFuture<Void> {
        switch action {
        case .none:
            break
        case .deliver(let batch):
            for event in batch { events.yield(event) }
        case .scheduleFlush:
            eventLoop.execute { _ = self.perform(self.machine.flushTick(), on: task) }
        case .stopTransfer:
            return eventLoop.makeFailedFuture(ChatError.cancelled)
        case .succeed(let batch):
            for event in batch { events.yield(event) }
            settle(nil)
        case .fail(let batch, let error, let stop):
            for event in batch { events.yield(event) }
            settle(error)
            if stop { return eventLoop.makeFailedFuture(error) }
        }
        return eventLoop.makeSucceededVoidFuture()
    }

    private func settle(_ error: ChatError?) {
        timer?.cancel()
        timer = nil
        if let error { outcome.fail(error) } else { outcome.succeed(()) }
    }

    /// Checks for progress at the machine's deadline, and again at the next one.
    private func armTimer() {
        guard timer == nil, let deadline = machine.progressDeadline else { return }
        timer = eventLoop.scheduleTask(deadline: .uptimeNanoseconds(deadline)) { [self] in
            timer = nil
            let action = machine.progressTimerFired(now: now())
            if case .fail(let batch, let error, _) = action {
                for event in batch { events.yield(event) }
                settle(error)
            } else {
                armTimer()
            }
        }
    }
}
