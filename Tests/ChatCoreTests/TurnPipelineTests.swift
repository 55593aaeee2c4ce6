import Synchronization
import Testing

@testable import ChatCore

/// Answers each request with the next scripted list of events (the last one repeats) and
/// records the requests. A double for the loop's logic: the wire is tested against
/// FakeOpenRouter, and real tool servers in ChatToolsTests and EndToEndTests.
final class ScriptedAnswers: ChatTransport, @unchecked Sendable {
    // Safe: the loop runs on the main actor, and so do the tests that read these.
    var requests: [ChatRequest] = []
    var script: [[StreamEvent]]

    init(_ script: [[StreamEvent]]) { self.script = script }

    func stream(_ request: ChatRequest) -> AsyncThrowingStream<StreamEvent, any Error> {
        requests.append(request)
        let events = script.count > 1 ? script.removeFirst() : script[0]
        return AsyncThrowingStream { continuation in
            for event in events { continuation.yield(event) }
            continuation.finish()
        }
    }

    func listModels() async throws -> [ModelInfo] { [] }

    /// An answer that calls `name` with `arguments`, streamed in pieces as OpenRouter does.
    static func calling(_ calls: [(id: String, name: String, arguments: String)], details: [JSONValue] = []) -> [StreamEvent] {
        var events: [StreamEvent] = [.model("m/1")]
        if !details.isEmpty { events.append(.reasoningDetails(details)) }
        for (index, call) in calls.enumerated() {
            events.append(.toolCall(ToolCallDelta(index: index, id: call.id, name: call.name)))
            var rest = Substring(call.arguments)
            while !rest.isEmpty {
                events.append(.toolCall(ToolCallDelta(index: index, arguments: String(rest.prefix(3)))))
                rest = rest.dropFirst(3)
            }
        }
        return events + [.finish(reason: "tool_calls"), .usage(Usage(promptTokens: 3, completionTokens: 4))]
    }

    static func text(_ text: String) -> [StreamEvent] {
        [.model("m/1"), .text(text), .finish(reason: "stop"), .usage(Usage(promptTokens: 5, completionTokens: 6))]
    }
}

/// Tools of one server, `srv`: `echo` answers with its arguments, `fail` with an error
/// result, `hang` until its call is cancelled.
final class RecordingTools: ToolProvider {
    let calls = Mutex<[String]>([])
    let cancelled = Mutex(0)
    /// Resumed when `hang` has been entered.
    let hangEntered: AsyncStream<Void>
    private let entered: AsyncStream<Void>.Continuation

    init() {
        (hangEntered, entered) = AsyncStream<Void>.makeStream()
    }

    static let specs = ["echo", "fail", "hang"].map {
        ToolSpec(server: "srv", name: $0, description: "the \($0) tool", inputSchema: RawJSON(validating: #"{"type":"object"}"#)!)
    }

    func tools(waitingUpTo timeout: Duration) async -> (tools: [ToolSpec], notices: [String]) {
        (Self.specs, ["MCP server other could not start: gone; the chat goes on without its tools"])
    }

    func call(_ tool: ToolSpec, arguments: String) async -> ToolResult {
        calls.withLock { $0.append("\(tool.name) \(arguments)") }
        switch tool.name {
        case "fail":
            return ToolResult(content: "no such city", isError: true)
        case "hang":
            entered.yield()
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                cancelled.withLock { $0 += 1 }
            }
            return ToolResult(content: "cancelled", isError: true)
        default:
            return ToolResult(content: "echo: \(arguments)")
        }
    }

    func states() async -> [(server: String, state: ToolServerState)] { [("srv", .ready(tools: 3))] }
    func restart(_ server: String) async -> Bool { server == "srv" }
    func shutdown() async {}
}

/// Answers the approval question from a list (then no), and records the calls asked about
/// as `HEADING ARGUMENTS`.
@MainActor
final class ScriptedApprover: ToolApprover {
    var answers: [ApprovalAnswer]
    var questions: [String] = []

    init(_ answers: [ApprovalAnswer]) { self.answers = answers }

    func approve(_ call: ShownCall) async -> ApprovalAnswer {
        questions.append(call.heading + " " + call.arguments)
        return answers.isEmpty ? .no : answers.removeFirst()
    }
}

/// One turn through the pipeline, and what it left in the session.
@MainActor
struct PipelineRun {
    let pipeline: TurnPipeline
    let renderer: RecordingRenderer

    struct Result {
        var report: TurnReport
        var session: ChatSession
        /// The messages the turn added after the user's (they are on the branch).
        var messages: [ChatMessage] { Array(session.tree.branchMessages.dropFirst()) }
        var toolCalls: [ToolCallRecord] { report.toolCalls }
        var usage: Usage? { report.usage }
    }

    func run(_ message: ChatMessage, in session: ChatSession) async -> Result {
        var session = session
        let report = await pipeline.run(.message(message), in: &session, renderer: renderer)
        return Result(report: report, session: session)
    }
}

@MainActor
struct TurnPipelineTests {
    let session = ChatSession(model: "m/1")

    func loop(
        _ transport: ScriptedAnswers, tools: RecordingTools? = RecordingTools(), approval: ToolApproval?, maxRounds: Int = 8,
        renderer: RecordingRenderer = RecordingRenderer(), interrupt: (@Sendable () async -> Void)? = nil
    ) -> PipelineRun {
        PipelineRun(
            pipeline: TurnPipeline(
                services: .init(
                    transport: transport, tools: tools, approval: approval, maxToolRounds: maxRounds, waitForInterrupt: interrupt)),
            renderer: renderer)
    }

    /// The messages of a request, as role and text, for comparing.
    func shape(_ request: ChatRequest) -> [String] {
        request.messages.map { message in
            let calls = message.toolCalls.map { "\($0.id):\($0.name)(\($0.arguments))" }.joined(separator: ",")
            return "\(message.role.rawValue)|\(message.toolCallID ?? "")|\(message.content)|\(calls)"
        }
    }

    @Test func streamedCallsAreJoinedRunAndAnsweredInOrder() async throws {
        let transport = ScriptedAnswers([
            ScriptedAnswers.calling([("c1", "srv__echo", #"{"text":"one"}"#), ("c2", "srv__echo", #"{"text":"two"}"#)]),
            ScriptedAnswers.text("both echoed"),
        ])
        let tools = RecordingTools()
        let renderer = RecordingRenderer()
        let result = await loop(transport, tools: tools, approval: ToolApproval(patterns: ["srv.*"], approver: nil), renderer: renderer)
            .run(.user("go"), in: session)

        #expect(result.report.error == nil)
        #expect(tools.calls.withLock { $0 } == [#"echo {"text":"one"}"#, #"echo {"text":"two"}"#])
        #expect(transport.requests.count == 2)
        // Offered as SERVER__TOOL, on every request of the turn.
        #expect(transport.requests.allSatisfy { $0.tools.map(\.name) == ["srv__echo", "srv__fail", "srv__hang"] })
        #expect(
            shape(transport.requests[1]) == [
                "user||go|",
                #"assistant|||c1:srv__echo({"text":"one"}),c2:srv__echo({"text":"two"})"#,
                #"tool|c1|echo: {"text":"one"}|"#,
                #"tool|c2|echo: {"text":"two"}|"#,
            ])
        // What joins the history: the call message, both results, the final answer.
        #expect(result.messages.map(\.role) == [.assistant, .tool, .tool, .assistant])
        #expect(result.messages.last?.content == "both echoed")
        #expect(result.toolCalls.map(\.tool) == ["srv.echo", "srv.echo"])
        #expect(result.usage == Usage(promptTokens: 8, completionTokens: 10))
        // --json reports the whole turn's usage, not the last request's.
        var response = result.report.response
        response.usage = result.usage
        let json = response.jsonObject(requestedModel: "m/1", toolCalls: result.toolCalls)
        #expect(json.contains(#""usage":{"prompt_tokens":8,"completion_tokens":10,"total_tokens":18"#), "\(json)")
        // Each call is one line naming the server and the tool; the server's notice comes first.
        #expect(
            renderer.notices == [
                "MCP server other could not start: gone; the chat goes on without its tools",
                #"srv.echo {"text":"one"}"#, #"srv.echo {"text":"two"}"#,
            ])
    }

    @Test func reasoningDetailsGoBackWithTheCallMessage() async throws {
        let detail = JSONValue.object([("type", .string("reasoning.encrypted")), ("data", .string("opaque=="))])
        let transport = ScriptedAnswers([
            ScriptedAnswers.calling([("c1", "srv__echo", "{}")], details: [detail]), ScriptedAnswers.text("done"),
        ])
        _ = await loop(transport, approval: ToolApproval(patterns: ["*"], approver: nil)).run(.user("go"), in: session)
        let assistant = try #require(transport.requests[1].messages.first { $0.role == .assistant })
        let details = try #require(assistant.reasoningDetails?.text)
        #expect(details.contains(#""data":"opaque==""#))
        #expect(details.contains(#""reasoning.encrypted""#))
    }

    @Test func aDeclinedCallIsNotRunAndTheModelIsToldSo() async throws {
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c1", "srv__echo", "{}")]), ScriptedAnswers.text("ok")])
        let tools = RecordingTools()
        let approver = ScriptedApprover([.no])
        let renderer = RecordingRenderer()
        let result = await loop(transport, tools: tools, approval: ToolApproval(patterns: [], approver: approver), renderer: renderer)
            .run(.user("go"), in: session)
        #expect(tools.calls.withLock { $0 }.isEmpty)
        #expect(approver.questions == ["srv.echo {}"])
        #expect(transport.requests[1].messages.last?.content == "declined by the user")
        #expect(renderer.notices.contains("declined srv.echo"))
        #expect(result.toolCalls.first?.approved == false)
    }

    @Test func withoutAnApproverNothingRunsAndNothingWaits() async throws {
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c1", "srv__echo", "{}")]), ScriptedAnswers.text("ok")])
        let tools = RecordingTools()
        _ = await loop(transport, tools: tools, approval: ToolApproval(patterns: ["other.*", "srv.fail"], approver: nil))
            .run(.user("go"), in: session)
        #expect(tools.calls.withLock { $0 }.isEmpty)
        #expect(transport.requests[1].messages.last?.content == "declined by the user")
    }

    @Test func alwaysApprovesThatToolForTheRestOfTheSessionOnly() async throws {
        let approver = ScriptedApprover([.always, .no])
        let approval = ToolApproval(patterns: [], approver: approver)
        let tools = RecordingTools()
        let transport = ScriptedAnswers([
            ScriptedAnswers.calling([("c1", "srv__echo", "{}"), ("c2", "srv__echo", "{}"), ("c3", "srv__fail", "{}")]),
            ScriptedAnswers.text("ok"),
        ])
        _ = await loop(transport, tools: tools, approval: approval).run(.user("go"), in: session)
        // Asked once for echo (always), once for fail (no).
        #expect(approver.questions == ["srv.echo {}", "srv.fail {}"])
        #expect(tools.calls.withLock { $0 } == ["echo {}", "echo {}"])
    }

    @Test func anErrorResultIsMarkedForTheModelAndShownInOneLine() async throws {
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c1", "srv__fail", "{}")]), ScriptedAnswers.text("sorry")])
        let renderer = RecordingRenderer()
        let result = await loop(transport, approval: ToolApproval(patterns: ["*"], approver: nil), renderer: renderer)
            .run(.user("go"), in: session)
        #expect(transport.requests[1].messages.last?.content == "[tool error] no such city")
        #expect(renderer.notices.contains("srv.fail failed: no such city"))
        #expect(result.toolCalls.first?.isError == true)
        #expect(result.report.error == nil)
    }

    @Test func aToolThatWasNotOfferedIsAnErrorResultAndNothingRuns() async throws {
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c1", "rm__rf", "{}")]), ScriptedAnswers.text("ok")])
        let tools = RecordingTools()
        let renderer = RecordingRenderer()
        _ = await loop(transport, tools: tools, approval: ToolApproval(patterns: ["*"], approver: nil), renderer: renderer)
            .run(.user("go"), in: session)
        #expect(tools.calls.withLock { $0 }.isEmpty)
        #expect(transport.requests[1].messages.last?.content == "error: there is no tool named rm__rf")
        #expect(renderer.notices.contains("the model called rm__rf, which is not an offered tool"))
    }

    @Test func theLoopStopsAfterMaxToolRoundsWithANotice() async throws {
        // A model that calls a tool in every answer.
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c", "srv__echo", "{}")])])
        let tools = RecordingTools()
        let renderer = RecordingRenderer()
        let result = await loop(
            transport, tools: tools, approval: ToolApproval(patterns: ["*"], approver: nil), maxRounds: 3, renderer: renderer
        ).run(.user("go"), in: session)
        #expect(transport.requests.count == 4)
        #expect(tools.calls.withLock { $0 }.count == 3)
        #expect(renderer.notices.last == "stopped after 3 tool rounds (max_tool_rounds); the model's last calls were not run")
        // The last answer's unrun calls do not join the history: every call there has its result.
        let callIDs = result.messages.flatMap(\.toolCalls).count
        #expect(callIDs == result.messages.filter { $0.role == .tool }.count)
    }

    @Test func ctrlCDuringACallCancelsItAndTheTurn() async throws {
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c1", "srv__hang", "{}")]), ScriptedAnswers.text("never")])
        let tools = RecordingTools()
        let (interrupts, press) = AsyncStream<Void>.makeStream()
        let entered = tools.hangEntered
        // Ctrl-C once the tool is running.
        Task {
            for await _ in entered { break }
            press.yield()
        }
        let interrupt: @Sendable () async -> Void = {
            for await _ in interrupts { return }
        }
        let result = await loop(transport, tools: tools, approval: ToolApproval(patterns: ["*"], approver: nil), interrupt: interrupt)
            .run(.user("go"), in: session)
        #expect(result.report.error == .cancelled)
        #expect(transport.requests.count == 1, "nothing is sent after Ctrl-C")
        // The call's task was cancelled (the provider turns that into MCP cancellation), and
        // had ended by the time the loop returned.
        #expect(tools.cancelled.withLock { $0 } == 1)
    }

    @Test func aTurnWithoutToolsSendsNone() async throws {
        let transport = ScriptedAnswers([ScriptedAnswers.text("plain")])
        let result = await loop(transport, tools: nil, approval: nil).run(.user("go"), in: session)
        #expect(transport.requests.first?.tools.isEmpty == true)
        #expect(result.messages.map(\.content) == ["plain"])
    }

    @Test func theLastAnswerKeepsItsReasoningDetailsWhenItsCallsAreNotRun() async throws {
        let detail = JSONValue.object([("type", .string("reasoning.encrypted")), ("data", .string("kept=="))])
        let transport = ScriptedAnswers([ScriptedAnswers.calling([("c", "srv__echo", "{}")], details: [detail])])
        let result = await loop(transport, approval: ToolApproval(patterns: ["*"], approver: nil), maxRounds: 1)
            .run(.user("go"), in: session)
        let last = try #require(result.messages.last)
        #expect(last.toolCalls.isEmpty)
        #expect(last.reasoningDetails?.text.contains("kept==") == true)
    }

    @Test func aToolNameWithALineBreakIsShownOnOneLine() {
        let spec = ToolSpec(
            server: "srv", name: "x\nrun time.get_current_time {}", description: "", inputSchema: RawJSON(validating: "{}")!)
        #expect(!spec.shownName.contains("\n"))
        #expect(spec.shownName.hasPrefix("srv.x"))
    }
}
