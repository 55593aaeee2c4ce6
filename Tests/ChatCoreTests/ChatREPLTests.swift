import Testing

@testable import ChatCore

/// Plays back lines as if typed.
final class ScriptedReader: LineReader {
    var inputs: [LineInput]
    var prompts: [String] = []
    var remembered: [String] = []
    var completionModels: [String] { completionSource?().models ?? [] }

    init(_ inputs: [LineInput]) { self.inputs = inputs }
    convenience init(lines: [String]) { self.init(lines.map { .line($0) }) }

    func readLine(prompt: String) -> LineInput {
        prompts.append(prompt)
        return inputs.isEmpty ? .endOfFile : inputs.removeFirst()
    }
    func remember(_ line: String) { remembered.append(line) }
    var completionRoles: [String] { completionSource?().roles ?? [] }
    var completionSource: (@Sendable () -> CompletionLists)?
    func setCompletionSource(_ source: @escaping @Sendable () -> CompletionLists) {
        completionSource = source
    }
}

/// Records what the loop shows.
final class RecordingRenderer: ChatRenderer {
    var answers: [String] = []
    var current = ""
    var outputs: [String] = []
    var notices: [String] = []
    var errors: [String] = []
    var retries: [RetryNotice] = []
    var interruptedAnswers = 0

    var onAnswerText: (() -> Void)?

    func beginAnswer() { current = "" }
    func answerText(_ text: String) {
        current += text
        onAnswerText?()
    }
    func reasoningText(_ text: String) {}
    func endAnswer(_ response: ChatResponse, interrupted: Bool) {
        answers.append(current)
        if interrupted { interruptedAnswers += 1 }
    }
    func retrying(_ notice: RetryNotice) { retries.append(notice) }
    func output(_ text: String) { outputs.append(text) }
    func notice(_ text: String) { notices.append(text) }
    func error(_ text: String) { errors.append(text) }
}

/// A transport double for chat-loop logic (HTTP itself is tested against FakeOpenRouter):
/// records requests and answers "answer N", or fails when told to.
final class RecordingTransport: ChatTransport, @unchecked Sendable {
    // Safe: the tests touch these only from the main actor between turns.
    var requests: [ChatRequest] = []
    var failures: [ChatError?] = []

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> {
        requests.append(request)
        let failure = failures.isEmpty ? nil : failures.removeFirst()
        let n = requests.count
        return AsyncThrowingStream { c in
            if let failure {
                c.yield(.text("partial"))
                c.finish(throwing: failure)
                return
            }
            c.yield(.model(request.model))
            c.yield(.text("answer \(n)"))
            c.yield(.finish(reason: "stop"))
            c.yield(.usage(Usage(promptTokens: 1, completionTokens: 2)))
            c.finish()
        }
    }

    func listModels() async throws -> [ModelInfo] { [ModelInfo(id: "known/model"), ModelInfo(id: "other/model")] }
}

/// A REPL on these doubles, as the executable wires it (minus disk and terminal).
@MainActor
func makeREPL(
    session: ChatSession, transport: any ChatTransport, reader: any LineReader, renderer: any ChatRenderer,
    conversations: (any ConversationStore)? = nil, terminal: (any TerminalServices)? = nil,
    waitForInterrupt: (@Sendable () async -> Void)? = nil
) -> ChatREPL {
    ChatREPL(
        session: session,
        services: REPLServices(
            transport: transport, reader: reader, renderer: renderer, conversations: conversations, terminal: terminal,
            waitForInterrupt: waitForInterrupt, now: { 1_700_000_000 }))
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

@MainActor
@Suite struct ChatREPLTests {
    func run(
        _ lines: [String], transport: RecordingTransport = RecordingTransport(), system: String? = "sys"
    ) async -> (ChatREPL, RecordingTransport, RecordingRenderer, ScriptedReader) {
        let reader = ScriptedReader(lines: lines)
        let renderer = RecordingRenderer()
        let loop = makeREPL(
            session: ChatSession(model: "first/model", systemPrompt: system), transport: transport, reader: reader, renderer: renderer)
        let code = await loop.run()
        #expect(code == 0)
        return (loop, transport, renderer, reader)
    }

    @Test func sendsTheWholeHistoryEachTurn() async {
        let (loop, transport, renderer, _) = await run(["hello", "again"])
        #expect(transport.requests.count == 2)
        #expect(transport.requests[1].messages == [.system("sys"), .user("hello"), .assistant("answer 1"), .user("again")])
        #expect(renderer.answers == ["answer 1", "answer 2"])
        #expect(loop.session.history.count == 4)
    }

    @Test func modelSwitchAppliesToTheNextRequestWithFullHistory() async {
        let (_, transport, renderer, reader) = await run(["one", "/model known/model", "two"])
        #expect(transport.requests.map(\.model) == ["first/model", "known/model"])
        #expect(transport.requests[1].messages.count == 4)
        #expect(reader.prompts.contains("known/model> "))
        #expect(!renderer.notices.contains { $0.contains("warning") })
    }

    @Test func completionOffersListedFallbackAndRecentModels() async {
        let (_, _, _, reader) = await run(["/fallback fb/one", "/model made/up"])
        #expect(reader.completionModels.contains("known/model"))
        #expect(reader.completionModels.contains("fb/one"))
        #expect(reader.completionModels.contains("made/up"))
        #expect(reader.completionModels.contains("first/model"))
    }

    @Test func unknownModelWarnsButIsKept() async {
        let (loop, _, renderer, _) = await run(["/model made/up"])
        #expect(loop.session.model == "made/up")
        #expect(renderer.notices.contains { $0.contains("warning") && $0.contains("made/up") })
    }

    @Test func resetEmptiesHistoryButKeepsSystemPromptAndModel() async {
        let (loop, transport, _, _) = await run(["/model other/model", "q", "/reset", "fresh"])
        #expect(transport.requests.last?.messages == [.system("sys"), .user("fresh")])
        #expect(loop.session.model == "other/model")
    }

    @Test func systemCommandReplacesThePromptAndKeepsHistory() async {
        let (_, transport, renderer, _) = await run(["q1", "/system", "/system New rules", "q2"])
        #expect(renderer.outputs.first == "sys\n")
        #expect(transport.requests.last?.messages == [.system("New rules"), .user("q1"), .assistant("answer 1"), .user("q2")])
    }

    @Test func undoDropsTheLastExchange() async {
        let (_, transport, _, _) = await run(["q1", "q2", "/undo", "q3"])
        #expect(transport.requests.last?.messages == [.system("sys"), .user("q1"), .assistant("answer 1"), .user("q3")])
    }

    @Test func failedTurnKeepsHistoryAndRetryResendsTheMessage() async {
        let transport = RecordingTransport()
        transport.failures = [nil, .api(APIErrorInfo(status: 429, message: "Too many"), inStream: false)]
        let (loop, _, renderer, _) = await run(["q1", "q2", "/retry"], transport: transport)
        #expect(renderer.errors.count == 1)
        #expect(renderer.errors[0].contains("HTTP 429: Too many"))
        #expect(transport.requests.count == 3)
        #expect(transport.requests[2].messages == transport.requests[1].messages)
        #expect(loop.session.history.map(\.content) == ["q1", "answer 1", "q2", "answer 3"])
    }

    @Test func retryWithoutAFailureReplacesTheLastAnswer() async {
        let (loop, transport, _, _) = await run(["q1", "/retry"])
        #expect(transport.requests.count == 2)
        #expect(transport.requests[1].messages == [.system("sys"), .user("q1")])
        #expect(loop.session.history.map(\.content) == ["q1", "answer 2"])
    }

    @Test func unknownCommandsNeverReachTheServer() async {
        let (_, transport, renderer, _) = await run(["/frobnicate", "/modle x", "//literal slash"])
        #expect(transport.requests.count == 1)
        #expect(transport.requests[0].messages.last == .user("/literal slash"))
        #expect(renderer.notices.filter { $0.contains("unknown command") }.count == 2)
    }

    @Test func exitStopsReadingAndMultiLineInputIsOneMessage() async {
        let (_, transport, _, reader) = await run(["\"\"\"", "a", "b", "\"\"\"", "c \\", "d", "/exit", "never"])
        #expect(transport.requests.map { $0.messages.last?.content } == ["a\nb", "c \nd"])
        #expect(reader.prompts.contains("... "))
        #expect(reader.remembered == ["a\nb", "c \nd", "/exit"])
    }

    @Test func historyAndUsageCommands() async {
        let (_, _, renderer, _) = await run(["hi", "/history", "/usage", "/help"])
        #expect(renderer.outputs[0].contains("1 [user] hi"))
        #expect(renderer.outputs[0].contains("2 [assistant] answer 1"))
        #expect(renderer.outputs[1].hasPrefix("1 turn, 1 prompt + 2 completion = 3 tokens"))
        #expect(renderer.outputs[2].contains("/retry"))
    }

    @Test func interruptAtThePromptThenCtrlDExits() async {
        let reader = ScriptedReader([.line("\"\"\""), .line("half"), .interrupt, .interrupt, .interrupt, .endOfFile])
        let renderer = RecordingRenderer()
        let transport = RecordingTransport()
        let loop = makeREPL(session: ChatSession(model: "m"), transport: transport, reader: reader, renderer: renderer)
        #expect(await loop.run() == 0)
        #expect(transport.requests.isEmpty)
        #expect(renderer.notices.contains { $0.contains("Ctrl-D") })
    }

    @Test func endOfInputInsideABlockSendsWhatWasTyped() async {
        let (_, transport, _, _) = await run(["\"\"\"", "unfinished"])
        #expect(transport.requests.map { $0.messages.last?.content } == ["unfinished"])
    }

    @Test func offlineTransportShowsItSawTheHistory() async {
        let reader = ScriptedReader(lines: ["first", "second"])
        let renderer = RecordingRenderer()
        let loop = makeREPL(
            session: ChatSession(model: "m"), transport: OfflineTransport(wordDelay: .zero), reader: reader, renderer: renderer)
        _ = await loop.run()
        #expect(renderer.answers[1].hasPrefix("[offline] Turn 2"))
        #expect(renderer.answers[1].contains("\"second\""))
        #expect(renderer.answers[1].contains("2 earlier messages"))
    }

    @Test func cancelledTurnLeavesHistoryAsIfNotSent() async {
        let renderer = RecordingRenderer()
        // "Ctrl-C" comes once the first piece of the answer is on screen: an event, not a delay.
        let shown = Signal()
        renderer.onAnswerText = { shown.fire() }
        let loop = makeREPL(
            session: ChatSession(model: "m"), transport: SlowTransport(), reader: ScriptedReader(lines: ["slow one"]),
            renderer: renderer, waitForInterrupt: { await shown.wait() })
        _ = await loop.run()
        #expect(loop.session.history.isEmpty)
        #expect(loop.session.pending?.content == "slow one")
        #expect(renderer.interruptedAnswers == 1)
        #expect(renderer.answers == ["tick "])
    }
}

/// Streams one piece, then nothing for a long time.
struct SlowTransport: ChatTransport {
    func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> {
        AsyncThrowingStream { c in
            let task = Task {
                c.yield(.text("tick "))
                try? await Task.sleep(for: .seconds(30))
                c.finish()
            }
            c.onTermination = { _ in task.cancel() }
        }
    }
    func listModels() async throws -> [ModelInfo] { [] }
}
