/// The tool calls of a turn's answers: each is shown, run only when approved, and its
/// result (or why it did not run) is what the model reads next.
@MainActor
struct ToolCalls {
    let tools: (any ToolProvider)?
    let approval: ToolApproval?
    let renderer: any ChatRenderer
    let waitForInterrupt: (@Sendable () async -> Void)?

    /// The result the model reads for a call that was not approved.
    static let declined = "declined by the user"

    /// Runs `call` if approved and returns what the model reads; nil when Ctrl-C stopped it
    /// — at the question or while it ran — and the turn is cancelled.
    func run(_ call: ToolCall, offered: OfferedTools, records: inout [ToolCallRecord]) async -> String? {
        guard let spec = offered.tool(named: call.name), let tools else {
            renderer.notice("the model called \(ApprovalText.unknownName(call.name)), which is not an offered tool")
            return "error: there is no tool named \(call.name)"
        }
        let arguments = CallArguments(call.arguments)
        let shown = ShownCall(spec, arguments: arguments)
        if let key = arguments.repeatedKey {
            // Which of the two values the tool would get is not shown: not run.
            renderer.notice("\(shown.heading) not run: its arguments give the key \(ApprovalText.toolName(key)) twice")
            let result = "error: the arguments give the key \"\(key)\" twice; call the tool again with each key once"
            records.append(ToolCallRecord(tool: spec.shownName, arguments: call.arguments, result: result, isError: true, approved: false))
            return result
        }
        switch await decide(spec, shown) {
        case .cancel:
            return nil
        case .decline:
            renderer.notice("declined \(shown.heading)")
            records.append(
                ToolCallRecord(tool: spec.shownName, arguments: call.arguments, result: Self.declined, isError: false, approved: false))
            return Self.declined
        case .run:
            break
        }
        guard let result = await interruptible({ await tools.call(spec, arguments: call.arguments) }) else { return nil }
        if result.isError { renderer.notice("\(shown.heading) failed: \(TerminalText.oneLine(result.content, limit: 300))") }
        records.append(
            ToolCallRecord(tool: spec.shownName, arguments: call.arguments, result: result.content, isError: result.isError, approved: true)
        )
        return result.isError ? "[tool error] " + result.content : result.content
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
