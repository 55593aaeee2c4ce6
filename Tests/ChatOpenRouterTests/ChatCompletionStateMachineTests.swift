import ChatCore
import Testing

@testable import ChatOpenRouter

/// The reader's decisions, fed inputs directly: no socket, no clock but the numbers given.
@Suite struct ChatCompletionStateMachineTests {
    static let second: UInt64 = 1_000_000_000
    static let limits = ChatCompletionStateMachine.Limits(
        maxAnswerBytes: 1000, maxLineBytes: 4096, progressTimeout: 10 * second, timeoutSeconds: 10)

    func machine(stream: Bool = true, limits: ChatCompletionStateMachine.Limits = Self.limits) -> ChatCompletionStateMachine {
        var machine = ChatCompletionStateMachine(streamRequested: stream, limits: limits)
        #expect(machine.head(status: 200, contentType: stream ? "text/event-stream" : "application/json", retryAfter: nil, now: 0) == .none)
        return machine
    }

    func feed(_ machine: inout ChatCompletionStateMachine, _ text: String, at now: UInt64) -> ChatCompletionStateMachine.Action {
        Array(text.utf8).withUnsafeBytes { machine.body($0, now: now) }
    }

    static func chunk(_ content: String) -> String {
        #"data: {"choices":[{"delta":{"content":"\#(content)"}}]}"# + "\n\n"
    }

    @Test func textIsBatchedUntilTheFlushAndDoneSucceeds() {
        var m = machine()
        #expect(feed(&m, Self.chunk("Hel"), at: 1) == .scheduleFlush)
        #expect(feed(&m, Self.chunk("lo"), at: 2) == .none)
        // Parts arrived since the flush was scheduled: it waits once more.
        #expect(m.flushTick() == .scheduleFlush)
        #expect(m.flushTick() == .deliver([.text("Hello")]))
        #expect(feed(&m, "data: [DONE]\n\n", at: 3) == .succeed([]))
        #expect(m.isFinished)
        #expect(m.delivered)
        // Data after [DONE] is not part of the answer: stop the transfer.
        #expect(feed(&m, Self.chunk("more"), at: 4) == .stopTransfer)
    }

    @Test func keepAliveCommentsAreNotProgress() {
        var m = machine()
        #expect(m.progressDeadline == 10 * Self.second)
        for t in 1...20 {
            _ = feed(&m, ": OPENROUTER PROCESSING\n\n", at: UInt64(t) * Self.second / 2)
        }
        #expect(m.progressDeadline == 10 * Self.second)
        #expect(m.progressTimerFired(now: 9 * Self.second) == .none)
        #expect(m.progressTimerFired(now: 10 * Self.second) == .fail([], .timeout(seconds: 10), stopTransfer: true))
    }

    @Test func theWaitForTheHeadStartsWhenTheRequestIsSentAndIsBounded() {
        var m = ChatCompletionStateMachine(streamRequested: true, limits: Self.limits)
        // Not sent yet (still connecting): the connect timeout is the client's business.
        #expect(m.progressDeadline == nil)
        m.requestSent(now: 3 * Self.second)
        #expect(m.progressDeadline == 13 * Self.second)
        #expect(m.progressTimerFired(now: 12 * Self.second) == .none)
        #expect(m.progressTimerFired(now: 13 * Self.second) == .fail([], .timeout(seconds: 10), stopTransfer: true))
        #expect(m.isFinished)

        // A head in time starts the wait for the first event from the head.
        var answered = ChatCompletionStateMachine(streamRequested: true, limits: Self.limits)
        answered.requestSent(now: 0)
        #expect(answered.head(status: 200, contentType: "text/event-stream", retryAfter: nil, now: 9 * Self.second) == .none)
        #expect(answered.progressDeadline == 19 * Self.second)
        #expect(answered.progressTimerFired(now: 10 * Self.second) == .none)
    }

    @Test func aPartialLineIsNotProgressButACompleteEventIs() {
        var m = machine()
        let event = Self.chunk("abc")
        let bytes = Array(event.utf8)
        // One byte a second: nothing complete until the last byte.
        for (i, byte) in bytes.dropLast().enumerated() {
            _ = [byte].withUnsafeBytes { m.body($0, now: UInt64(i + 1) * Self.second / 10) }
        }
        #expect(m.progressDeadline == 10 * Self.second)
        _ = [bytes.last!].withUnsafeBytes { m.body($0, now: 11 * Self.second / 2) }
        #expect(m.progressDeadline == 11 * Self.second / 2 + 10 * Self.second)
        #expect(m.progressTimerFired(now: 10 * Self.second) == .none)
    }

    @Test func anAnswerOverTheCapFails() {
        var m = machine()
        let big = String(repeating: "x", count: 600)
        #expect(feed(&m, Self.chunk(big), at: 1) == .scheduleFlush)
        let action = feed(&m, Self.chunk(big), at: 2)
        guard case .fail(_, .answerTooLarge(1000), stopTransfer: true) = action else {
            Issue.record("got \(action)")
            return
        }
    }

    @Test func reasoningDetailsCountTowardTheCap() {
        // Never shown, but kept whole to be sent back: 300 items of 1 MiB once took 949 MB.
        var m = machine()
        let item = #"{"type":"reasoning.encrypted","data":"\#(String(repeating: "A", count: 400))","index":"#
        let detail = { (index: Int) in #"data: {"choices":[{"delta":{"reasoning_details":["# + item + "\(index)}]}}]}\n\n" }
        #expect(feed(&m, detail(0), at: 1) == .scheduleFlush)
        #expect(feed(&m, detail(1), at: 2) == .none)
        let action = feed(&m, detail(2), at: 3)
        guard case .fail(_, .answerTooLarge(1000), stopTransfer: true) = action else {
            Issue.record("got \(action)")
            return
        }
    }

    @Test func aStreamThatEndsWithoutDoneOrFinishIsTruncated() {
        var m = machine()
        _ = feed(&m, Self.chunk("part"), at: 1)
        #expect(m.ended() == .fail([.text("part")], .truncatedStream, stopTransfer: false))
        var finished = machine()
        _ = feed(&finished, #"data: {"choices":[{"delta":{"content":"ok"},"finish_reason":"stop"}]}"# + "\n\n", at: 1)
        #expect(finished.ended() == .succeed([.text("ok"), .finish(reason: "stop")]))
    }

    @Test func aConnectionErrorMidStreamSaysTheStreamBroke() {
        var m = machine()
        _ = feed(&m, Self.chunk("part"), at: 1)
        let action = m.failed(.connection(url: "u", reason: "reset"))
        #expect(
            action
                == .fail(
                    [.text("part")], .connection(url: "u", reason: "the connection broke in the middle of the answer"), stopTransfer: false)
        )
    }

    @Test func aWholeAnswerIsDecodedAtTheEnd() {
        var m = machine(stream: false)
        _ = feed(&m, #"{"model":"m/x","choices":[{"message":{"content":"hi"},"finish_reason":"stop"}]}"#, at: 1)
        #expect(m.ended() == .succeed([.model("m/x"), .text("hi"), .finish(reason: "stop")]))
    }

    @Test func anErrorStatusIsDecodedAndAnHTMLPageIsNotAnAnswer() {
        var error = ChatCompletionStateMachine(streamRequested: true, limits: Self.limits)
        _ = error.head(status: 429, contentType: "application/json", retryAfter: 3, now: 0)
        _ = feed(&error, #"{"error":{"code":429,"message":"slow down"}}"#, at: 1)
        guard case .fail(_, .api(let info, inStream: false), _) = error.ended() else {
            Issue.record("not an API error")
            return
        }
        #expect(info.status == 429)
        #expect(info.retryAfter == 3)

        var page = ChatCompletionStateMachine(streamRequested: true, limits: Self.limits)
        _ = page.head(status: 200, contentType: "text/html; charset=utf-8", retryAfter: nil, now: 0)
        _ = feed(&page, "<html><body>Please log in</body></html>", at: 1)
        guard case .fail(_, .malformedResponse(let text), _) = page.ended() else {
            Issue.record("not malformed")
            return
        }
        #expect(text.contains("Please log in"))
    }

    @Test func aMidStreamErrorChunkFails() {
        var m = machine()
        let action = feed(
            &m, #"data: {"error":{"code":502,"message":"provider down"},"choices":[{"finish_reason":"error"}]}"# + "\n\n", at: 1)
        guard case .fail([], .api(let info, inStream: true), stopTransfer: true) = action else {
            Issue.record("got \(action)")
            return
        }
        #expect(info.message == "provider down")
        #expect(!m.delivered)
    }
}
