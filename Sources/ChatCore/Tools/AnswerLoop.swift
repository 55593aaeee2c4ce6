/// What one sent message produced: the final answer (or the error that stopped it), the
/// messages the rounds added, and the tool calls made.
public struct AnswerLoopResult: Sendable {
    /// The last request's outcome: the final answer, or the failure that ended the turn.
    public var outcome: TurnOutcome
    /// The assistant's tool-call messages and the tools' results, in order, then the final
    /// assistant message: what joins the history when the turn succeeds.
    public var messages: [ChatMessage]
    public var toolCalls: [ToolCallRecord]
    /// Usage of every request of the turn, added up.
    public var usage: Usage?
}

/// Sends a message and runs the tool rounds it leads to: when an answer asks for tool calls,
/// each is shown as one line, run only if approved, and its result sent back with the
/// assistant's message, until an answer without calls or `maxRounds`.
@MainActor
public struct AnswerLoop {
    public var transport: any ChatTransport
    public var renderer: any ChatRenderer
    public var tools: (any ToolProvider)?
    public var approval: ToolApproval?
    public var maxRounds: Int
    public var stream: Bool
    /// How long the first request waits for tool servers still starting.
    public var toolWait: Duration
    public var waitForInterrupt: (@Sendable () async -> Void)?
    /// Fits a request into the model's context; `newMessages` belong to this turn and stay.
    public var fit: (_ request: ChatRequest, _ newMessages: Int) -> ChatRequest

    public init(
        transport: any ChatTransport, renderer: any ChatRenderer, tools: (any ToolProvider)?, approval: ToolApproval?, maxRounds: Int,
        stream: Bool, toolWait: Duration, waitForInterrupt: (@Sendable () async -> Void)?,
        fit: @escaping (_ request: ChatRequest, _ newMessages: Int) -> ChatRequest = { request, _ in request }
    ) {
        self.transport = transport
        self.renderer = renderer
        self.tools = tools
        self.approval = approval
        self.maxRounds = maxRounds
        self.stream = stream
        self.toolWait = toolWait
        self.waitForInterrupt = waitForInterrupt
        self.fit = fit
    }

    public func run(_ message: ChatMessage, in session: ChatSession) async -> AnswerLoopResult {
        var offered = OfferedTools([])
        if let tools {
            let (specs, notices) = await tools.tools(waitingUpTo: toolWait)
            offered = OfferedTools(specs)
            for notice in notices { renderer.notice(notice) }
        }
        var rounds: [ChatMessage] = []
        var records: [ToolCallRecord] = []
        var total: Usage?
        var round = 0
        while true {
            let request = fit(
                session.request(sending: message, rounds: rounds, stream: stream, tools: offered.definitions), 1 + rounds.count)
            let outcome = await ChatTurn.run(request, transport: transport, renderer: renderer, waitForInterrupt: waitForInterrupt)
            if let usage = outcome.response.usage { total = total.map { $0 + usage } ?? usage }
            let calls = outcome.response.toolCalls
            guard outcome.error == nil, !calls.isEmpty, !offered.isEmpty else {
                return AnswerLoopResult(outcome: outcome, messages: rounds + [outcome.response.message], toolCalls: records, usage: total)
            }
            guard round < maxRounds else {
                renderer.notice("stopped after \(maxRounds) tool rounds (max_tool_rounds); the model's last calls were not run")
                var last = outcome
                last.response.dropToolCalls()
                return AnswerLoopResult(outcome: last, messages: rounds + [last.response.message], toolCalls: records, usage: total)
            }
            round += 1
            rounds.append(outcome.response.message)
            for call in calls {
                let (result, record) = await run(call, offered: offered)
                if let record { records.append(record) }
                if Task.isCancelled || result == nil {
                    var stopped = outcome
                    stopped.error = .cancelled
                    return AnswerLoopResult(outcome: stopped, messages: rounds, toolCalls: records, usage: total)
                }
                rounds.append(.toolResult(callID: call.id, content: result ?? ""))
            }
        }
    }

    /// Runs one call if approved; nil when Ctrl-C stopped it — at the question or while it
    /// ran — and the turn is cancelled.
    private func run(_ call: ToolCall, offered: OfferedTools) async -> (String?, ToolCallRecord?) {
        guard let spec = offered.tool(named: call.name), let tools else {
            renderer.notice("the model called \(ApprovalText.unknownName(call.name)), which is not an offered tool")
            return ("error: there is no tool named \(call.name)", nil)
        }
        let arguments = CallArguments(call.arguments)
        let shown = ShownCall(spec, arguments: arguments)
        if let key = arguments.repeatedKey {
            // Which of the two values the tool would get is not shown: not run.
            renderer.notice("\(shown.heading) not run: its arguments give the key \(ApprovalText.toolName(key)) twice")
            let result = "error: the arguments give the key \"\(key)\" twice; call the tool again with each key once"
            return (result, ToolCallRecord(tool: spec.shownName, arguments: call.arguments, result: result, isError: true, approved: false))
        }
        switch await decide(spec, shown) {
        case .cancel:
            return (nil, nil)
        case .decline:
            renderer.notice("declined \(shown.heading)")
            let record = ToolCallRecord(
                tool: spec.shownName, arguments: call.arguments, result: Self.declined, isError: false, approved: false)
            return (Self.declined, record)
        case .run:
            break
        }
        guard let result = await interruptible({ await tools.call(spec, arguments: call.arguments) }) else { return (nil, nil) }
        let content = result.isError ? "[tool error] " + result.content : result.content
        if result.isError { renderer.notice("\(shown.heading) failed: \(TerminalText.oneLine(result.content, limit: 300))") }
        let record = ToolCallRecord(
            tool: spec.shownName, arguments: call.arguments, result: result.content, isError: result.isError, approved: true)
        return (content, record)
    }

    /// Whether the call runs: a rule says so (the call is shown on one line), or the user
    /// is asked (the question shows the call whole), or there is no one to ask.
    private func decide(_ spec: ToolSpec, _ shown: ShownCall) async -> ToolApproval.Decision {
        guard let approval else {
            renderer.notice(shown.line())
            return .decline
        }
        if approval.allows(spec) {
            renderer.notice(shown.line())
            return .run
        }
        guard approval.canAsk else {
            renderer.notice(shown.line())
            return .decline
        }
        return await approval.ask(spec, call: shown)
    }

    /// The result the model reads for a call that was not approved.
    public static let declined = "declined by the user"

    /// Runs `work`, or returns nil at once when Ctrl-C comes first (cancelling `work`).
    private func interruptible(_ work: @escaping @Sendable () async -> ToolResult) async -> ToolResult? {
        guard let waitForInterrupt else { return await work() }
        return await withTaskGroup(of: ToolResult?.self) { group in
            group.addTask { await work() }
            group.addTask {
                await waitForInterrupt()
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }
}
