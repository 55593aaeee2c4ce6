/// The one way a turn runs, for the REPL, a one-shot run and `-e` alike: the user's message
/// joins the branch and is saved before the request goes out; the request is fitted into
/// the model's context (and sent again shorter when the server says it was too long); the
/// answer streams through the renderer, retried by the transport; tool calls are shown,
/// approved, run and answered, round after round, each message joining the branch and saved
/// as it completes; images in the answer are saved; the usage is priced from the model list
/// when the server sent no cost; and the finished answer is saved.
///
/// A failed or cancelled turn leaves its user message (and any finished tool round) at the
/// end of the branch as the pending turn: the history is as if it had not been sent, and
/// `/retry` sends it again.
@MainActor
public final class TurnPipeline {
    /// What a turn reaches outside itself, given once.
    public struct Services {
        public var transport: any ChatTransport
        /// The MCP servers' tools; nil offers none.
        public var tools: (any ToolProvider)?
        /// Which calls run; nil declines every call.
        public var approval: ToolApproval?
        public var maxToolRounds: Int
        /// Returns when Ctrl-C is pressed.
        public var waitForInterrupt: (@Sendable () async -> Void)?
        /// The model list, for context lengths and prices; never waited for.
        public var models: CachedModelCatalog?
        /// Saves images that come with an answer.
        public var images: (any ImageService)?
        /// Where the conversation is saved; nil saves nothing.
        public var store: (any ConversationStore)?
        /// Whether a message that cannot be saved is not sent (a one-shot `--session`); the
        /// REPL says so and sends it all the same.
        public var requireSave: Bool

        public init(
            transport: any ChatTransport, tools: (any ToolProvider)? = nil, approval: ToolApproval? = nil, maxToolRounds: Int = 8,
            waitForInterrupt: (@Sendable () async -> Void)? = nil, models: CachedModelCatalog? = nil, images: (any ImageService)? = nil,
            store: (any ConversationStore)? = nil, requireSave: Bool = false
        ) {
            self.requireSave = requireSave
            self.transport = transport
            self.tools = tools
            self.approval = approval
            self.maxToolRounds = maxToolRounds
            self.waitForInterrupt = waitForInterrupt
            self.models = models
            self.images = images
            self.store = store
        }
    }

    /// What a turn answers.
    public enum Input: Sendable, Equatable {
        /// A new user message, at the end of the branch (an unfinished turn there moves aside).
        case message(ChatMessage)
        /// A new answer to user message `id`, already in the tree (`/regen`, `/retry`).
        case answer(to: Int)
    }

    public let services: Services
    /// The first request waits for tool servers still starting; later ones do not.
    private var waitedForTools = false

    public init(services: Services) {
        self.services = services
    }

    /// Runs one turn in `session`, shown by `renderer`. `model` answers instead of the
    /// session's model (the session keeps its own); `offerTools: false` offers none.
    public func run(
        _ input: Input, in session: inout ChatSession, renderer: any ChatRenderer, model: String? = nil, offerTools: Bool = true
    ) async -> TurnReport {
        var report = TurnReport()
        switch input {
        case .message(let message):
            session.beginTurn(user: message)
        case .answer(let id):
            do {
                try session.answerAgain(id)
            } catch {
                report.error = .invalidRequest(reason: error.reason)
                return report
            }
        }
        let userID = session.tree.leaf
        // In the file before the request goes out: if this process dies mid-turn, the message is
        // the pending one of the saved conversation, and /retry after --continue resends it.
        if let failure = save(session) {
            guard !services.requireSave else {
                report.saveFailure = failure
                return report
            }
            renderer.error("autosave failed: \(failure)")
        }
        let offered = await offeredTools(renderer: renderer, offer: offerTools)
        var fitting = ContextFitting(limit: contextLength(of: model ?? session.model), model: model ?? session.model)
        var rounds = 0
        var calls = ToolCalls(
            tools: services.tools, approval: services.approval, renderer: renderer, waitForInterrupt: services.waitForInterrupt)
        while true {
            let thisTurn = session.tree.branch.count - (session.tree.branch.firstIndex { $0 == userID } ?? 0)
            let request = fitting.fit(session.request(model: model, tools: offered.definitions), newMessages: thisTurn, renderer: renderer)
            var outcome = await ChatTurn.run(
                request, transport: services.transport, renderer: renderer, waitForInterrupt: services.waitForInterrupt)
            if let error = outcome.error, rounds == 0, let shorter = fitting.afterContextExceeded(error, request, thisTurn, renderer) {
                outcome = await ChatTurn.run(
                    shorter, transport: services.transport, renderer: renderer, waitForInterrupt: services.waitForInterrupt)
            }
            let usage = priced(outcome.response.usage, model: outcome.response.model ?? request.model)
            report.add(usage)
            report.response = outcome.response
            if let error = outcome.error {
                report.error = error
                break
            }
            let wanted = outcome.response.toolCalls
            if wanted.isEmpty || offered.isEmpty {
                finish(outcome.response, usage: usage, model: request.model, in: &session, report: &report, renderer: renderer)
                break
            }
            guard rounds < services.maxToolRounds else {
                renderer.notice(
                    "stopped after \(services.maxToolRounds) tool rounds (max_tool_rounds); the model's last calls were not run")
                var last = outcome.response
                last.dropToolCalls()
                finish(last, usage: usage, model: request.model, in: &session, report: &report, renderer: renderer)
                break
            }
            rounds += 1
            session.appendAnswer(outcome.response.message, model: outcome.response.model ?? request.model, usage: usage)
            var cancelled = false
            for call in wanted {
                guard let result = await calls.run(call, offered: offered, records: &report.toolCalls) else {
                    cancelled = true
                    break
                }
                session.appendAnswer(.toolResult(callID: call.id, content: result))
            }
            if let failure = save(session) { renderer.error("autosave failed: \(failure)") }
            if cancelled || Task.isCancelled {
                report.error = .cancelled
                break
            }
        }
        if report.error != nil, let failure = save(session) { renderer.error("autosave failed: \(failure)") }
        return report
    }

    /// The final answer joins the branch (with a note naming its saved images), and is saved.
    private func finish(
        _ response: ChatResponse, usage: Usage?, model: String, in session: inout ChatSession, report: inout TurnReport,
        renderer: any ChatRenderer
    ) {
        var message = response.message
        if !response.images.isEmpty {
            switch services.images?.save(answerImages: response.images) {
            case .success(let paths)?:
                report.savedImages = paths
                let note = "[image\(paths.count == 1 ? "" : "s") saved: \(paths.joined(separator: ", "))]"
                let text = message.content
                message.parts = [.text(text.isEmpty ? note : text + "\n" + note)]
            case .failure(let failure)?:
                renderer.error(failure.message)
            case nil:
                renderer.notice("the answer carried \(response.images.count) image(s), which cannot be saved here")
            }
        }
        session.appendAnswer(message, model: response.model ?? model, usage: usage)
        if let failure = save(session) { report.saveFailure = failure }
    }

    /// Saves what changed in the conversation; the failure's one line, or nil.
    private func save(_ session: ChatSession) -> String? {
        do {
            try services.store?.record(session)
            return nil
        } catch {
            return error.message
        }
    }

    /// The tools to offer: the first request waits for servers still starting.
    private func offeredTools(renderer: any ChatRenderer, offer: Bool) async -> OfferedTools {
        guard offer, let tools = services.tools else { return OfferedTools([]) }
        let (specs, notices) = await tools.tools(waitingUpTo: waitedForTools ? .zero : .seconds(10))
        waitedForTools = true
        for notice in notices { renderer.notice(notice) }
        return OfferedTools(specs)
    }

    /// The model's context length, when the model list is known.
    private func contextLength(of model: String) -> Int? {
        services.models?.known()?.first { $0.id == model }?.contextLength
    }

    /// The usage, with the cost computed from the model list's prices when the API sent none.
    func priced(_ usage: Usage?, model: String) -> Usage? {
        guard var usage else { return nil }
        if usage.cost == nil, let info = services.models?.known()?.first(where: { $0.id == model }),
            let input = info.promptPrice, let output = info.completionPrice
        {
            usage.cost = Double(usage.promptTokens) * input + Double(usage.completionTokens) * output
        }
        return usage
    }
}

/// What a turn produced.
public struct TurnReport: Sendable {
    /// The last request's answer (partial when `error` is set).
    public var response = ChatResponse()
    /// Why the turn failed or stopped; nil when it succeeded.
    public var error: ChatError?
    /// The tool calls made, in order.
    public var toolCalls: [ToolCallRecord] = []
    /// The usage of every request of the turn, priced: the server's own object when there was
    /// one request, the sum of their counts and costs when there were tool rounds.
    public var usage: Usage?
    /// Files the answer's images were saved to.
    public var savedImages: [String] = []
    /// Why the conversation could not be saved (before the request: nothing was sent).
    public var saveFailure: String?

    mutating func add(_ next: Usage?) {
        guard let next else { return }
        usage = usage.map { $0 + next } ?? next
    }
}
