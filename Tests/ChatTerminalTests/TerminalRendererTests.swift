import ChatCore
import Foundation
import Testing

@testable import ChatTerminal

/// A renderer whose standard output and standard error are pipes.
private final class CapturedRenderer {
    let output = TestPipe()
    let errors = TestPipe()
    let renderer: TerminalRenderer

    init(color: Bool, showReasoning: Bool = true) {
        renderer = TerminalRenderer(
            color: color, showReasoning: showReasoning, outputFileDescriptor: output.writeEnd,
            errorFileDescriptor: errors.writeEnd)
    }

    /// Everything written, as (stdout, stderr).
    func finish() -> (output: String, errors: String) {
        (String(decoding: output.closeAndReadAll(), as: UTF8.self), String(decoding: errors.closeAndReadAll(), as: UTF8.self))
    }
}

private let usage = Usage(promptTokens: 12, completionTokens: 34, cost: 0.000123)
private let esc = "\u{1B}"

@Suite struct TerminalRendererTests {
    @Test func answerPiecesGoToStandardOutputVerbatimPlusFinalNewline() {
        let captured = CapturedRenderer(color: false)
        let r = captured.renderer
        r.beginAnswer()
        for piece in ["Hel", "lo, ", "wörld", " 👋\n", "second line"] {
            r.answerText(piece)
        }
        r.endAnswer(ChatResponse(content: "", model: "google/gemini-2.5-flash", usage: usage), interrupted: false)
        let (output, errors) = captured.finish()
        #expect(output == "Hello, wörld 👋\nsecond line\n")
        #expect(errors == "[google/gemini-2.5-flash · 12 in / 34 out tokens · $0.000123]\n")
    }

    @Test func noExtraNewlineWhenTheAnswerEndsWithOne() {
        let captured = CapturedRenderer(color: false)
        captured.renderer.beginAnswer()
        captured.renderer.answerText("done\n")
        captured.renderer.endAnswer(ChatResponse(), interrupted: false)
        let (output, errors) = captured.finish()
        #expect(output == "done\n")
        #expect(errors == "")  // no usage: no usage line
    }

    @Test func usageLineWithoutModelOrCost() {
        let captured = CapturedRenderer(color: false)
        captured.renderer.beginAnswer()
        captured.renderer.answerText("x")
        captured.renderer.endAnswer(ChatResponse(usage: Usage(promptTokens: 5, completionTokens: 7)), interrupted: false)
        #expect(captured.finish() == ("x\n", "[5 in / 7 out tokens]\n"))
    }

    @Test func interruptedAnswerEndsItsLineAndLeavesTheMessageToTheCaller() {
        let captured = CapturedRenderer(color: false)
        captured.renderer.beginAnswer()
        captured.renderer.answerText("partial")
        captured.renderer.endAnswer(ChatResponse(content: "partial"), interrupted: true)
        // One error line follows from the chat loop; the renderer adds no second one.
        #expect(captured.finish() == ("partial\n", ""))
    }

    @Test func reasoningGoesToStandardErrorAndIsEndedBeforeTheAnswer() {
        let captured = CapturedRenderer(color: false)
        let r = captured.renderer
        r.beginAnswer()
        r.reasoningText("thinking")
        r.reasoningText(" more")
        r.answerText("answer")
        r.endAnswer(ChatResponse(model: "m", usage: Usage(promptTokens: 1, completionTokens: 2, cost: 0)), interrupted: false)
        #expect(captured.finish() == ("answer\n", "thinking more\n[m · 1 in / 2 out tokens · $0.00]\n"))
    }

    @Test func hiddenReasoningWritesNothing() {
        let captured = CapturedRenderer(color: false, showReasoning: false)
        captured.renderer.beginAnswer()
        captured.renderer.reasoningText("secret thoughts")
        captured.renderer.answerText("answer")
        captured.renderer.endAnswer(ChatResponse(), interrupted: false)
        #expect(captured.finish() == ("answer\n", ""))
    }

    @Test func noticesErrorsRetriesAndOutput() {
        let captured = CapturedRenderer(color: false)
        let r = captured.renderer
        r.output("/history line")
        r.output("already ended\n")
        r.notice("model set to x")
        r.error("HTTP 401: No auth credentials found; check OPENROUTER_API_KEY")
        r.beginAnswer()
        r.retrying(RetryNotice(attempt: 1, delaySeconds: 7, reason: "HTTP 429: rate limited"))
        r.retrying(RetryNotice(attempt: 2, delaySeconds: 1.5, reason: "connection refused"))
        r.answerText("ok")
        r.endAnswer(ChatResponse(), interrupted: false)
        let (output, errors) = captured.finish()
        #expect(output == "/history line\nalready ended\nok\n")
        #expect(
            errors == """
                model set to x
                error: HTTP 401: No auth credentials found; check OPENROUTER_API_KEY
                HTTP 429: rate limited, retrying in 7 s…
                connection refused, retrying in 1.5 s…

                """)
    }

    @Test func errorInTheMiddleOfAnAnswerStartsOnANewLine() {
        let captured = CapturedRenderer(color: false)
        captured.renderer.beginAnswer()
        captured.renderer.answerText("half an answ")
        captured.renderer.error("stream broke")
        captured.renderer.endAnswer(ChatResponse(), interrupted: true)
        #expect(captured.finish() == ("half an answ\n", "error: stream broke\n"))
    }

    @Test func withoutColorNoEscapeByteIsWrittenAnywhere() {
        let captured = CapturedRenderer(color: false)
        let r = captured.renderer
        r.beginAnswer()
        r.reasoningText("hmm")
        r.answerText("text")
        r.retrying(RetryNotice(attempt: 1, delaySeconds: 2, reason: "HTTP 503"))
        r.endAnswer(ChatResponse(model: "m", usage: usage), interrupted: true)
        r.notice("n")
        r.error("e")
        r.output("o")
        let (output, errors) = captured.finish()
        #expect(!output.utf8.contains(0x1B))
        #expect(!errors.utf8.contains(0x1B))
        #expect(!errors.isEmpty && !output.isEmpty)
    }

    @Test func withColorUsageAndReasoningAreDimAndErrorsRed() {
        let captured = CapturedRenderer(color: true)
        let r = captured.renderer
        r.beginAnswer()
        r.reasoningText("hmm")
        r.answerText("text")
        r.endAnswer(ChatResponse(model: "m", usage: usage), interrupted: false)
        r.error("bad")
        let (output, errors) = captured.finish()
        #expect(output == "text\n")  // the answer itself is never styled
        #expect(
            errors == "\(esc)[2mhmm\(esc)[0m\n" + "\(esc)[2m[m · 12 in / 34 out tokens · $0.000123]\(esc)[0m\n"
                + "\(esc)[31merror: bad\(esc)[0m\n")
    }

    @Test func costAndDelayFormats() {
        #expect(TerminalRenderer.formatCost(0.000123) == "$0.000123")
        #expect(TerminalRenderer.formatCost(0.5) == "$0.50")
        #expect(TerminalRenderer.formatCost(1.234567) == "$1.234567")
        #expect(TerminalRenderer.formatCost(0) == "$0.00")
        #expect(TerminalRenderer.formatCost(0.0000001) == "<$0.000001")
        #expect(TerminalRenderer.formatSeconds(7) == "7")
        #expect(TerminalRenderer.formatSeconds(1.5) == "1.5")
        #expect(TerminalRenderer.formatSeconds(0.25) == "0.3")
        #expect(TerminalRenderer.formatSeconds(12.4) == "12")
    }
}

/// The activity indicator only runs on a terminal, so these tests give the renderer a
/// pseudo-terminal as standard error.
@Suite struct ActivityIndicatorTests {
    /// Runs `body` with a renderer whose stderr is a pty; returns what the pty received.
    private func withTerminalErrors(
        color: Bool, ticker: ManualTicker = ManualTicker(), _ body: (TerminalRenderer, ManualTicker) async throws -> Void
    ) async throws -> String {
        var master: Int32 = -1
        var slave: Int32 = -1
        #expect(openpty(&master, &slave, nil, nil, nil) == 0)
        defer { close(master) }
        let output = TestPipe()
        let renderer = TerminalRenderer(color: color, outputFileDescriptor: output.writeEnd, errorFileDescriptor: slave, ticker: ticker)
        try await body(renderer, ticker)
        _ = output.closeAndReadAll()
        close(slave)
        var collected: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 1, 100) > 0 else { break }
            let count = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            collected.append(contentsOf: buffer[0..<count])
        }
        return String(decoding: collected, as: UTF8.self)
    }

    @Test func spinsWhileWaitingAndClearsBeforeText() async throws {
        let written = try await withTerminalErrors(color: true) { renderer, ticker in
            renderer.beginAnswer()
            ticker.tick()
            ticker.tick()
            renderer.answerText("hi")
            ticker.tick()  // no frame may follow the text
            renderer.endAnswer(ChatResponse(), interrupted: false)
        }
        #expect(written.contains("⠋"))
        #expect(written.contains("⠙"))
        #expect(!written.contains("⠹"))
        #expect(written.hasSuffix("\r\u{1B}[K"), "cleared last: \(written.debugDescription)")
    }

    @Test func withoutColorTheSpinnerUsesNoEscapes() async throws {
        let written = try await withTerminalErrors(color: false) { renderer, ticker in
            renderer.beginAnswer()
            ticker.tick()
            renderer.endAnswer(ChatResponse(), interrupted: false)
        }
        #expect(written.contains("\r⠋"))
        #expect(written.hasSuffix("\r \r"))
        #expect(!written.utf8.contains(0x1B))
    }

    @Test func quickAnswersShowNoSpinner() async throws {
        let written = try await withTerminalErrors(color: true) { renderer, ticker in
            renderer.beginAnswer()
            renderer.answerText("fast")
            ticker.tick()
            renderer.endAnswer(ChatResponse(), interrupted: false)
        }
        #expect(written == "")
    }

    @Test func neverSpinsWhenStandardErrorIsAPipe() async throws {
        let output = TestPipe()
        let errors = TestPipe()
        let ticker = ManualTicker()
        let renderer = TerminalRenderer(
            color: true, outputFileDescriptor: output.writeEnd, errorFileDescriptor: errors.writeEnd, ticker: ticker)
        renderer.beginAnswer()
        ticker.tick()
        #expect(ticker.started == 0)
        renderer.endAnswer(ChatResponse(), interrupted: false)
        _ = output.closeAndReadAll()
        #expect(errors.closeAndReadAll() == [])
    }
}

/// A ticker the test drives: each `tick()` is one frame interval.
final class ManualTicker: FrameTicker, @unchecked Sendable {
    // @unchecked: the tests call it from one task.
    private var ticks: [Int: @Sendable () -> Void] = [:]
    private var next = 0
    private(set) var started = 0

    func start(_ tick: @escaping @Sendable () -> Void) -> @Sendable () -> Void {
        next += 1
        started += 1
        let id = next
        ticks[id] = tick
        return { [self] in ticks[id] = nil }
    }

    func tick() {
        for tick in ticks.values { tick() }
    }
}

/// Fires once: lets a test wait for an event instead of a duration.
final class Signal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream<Void>.makeStream()
    }

    func fire() { continuation.yield(()) }

    func wait() async {
        for await _ in stream { return }
    }
}
