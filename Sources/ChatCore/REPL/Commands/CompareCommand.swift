/// `/compare MODEL [MODEL…]`: the last user message of the current branch answered by each
/// model, every request in flight at once. The answers are shown one after another in the
/// order given, each under one header line, each as soon as it and those before it are
/// complete; each becomes a branch of its own, and the first model's is current. Ctrl-C
/// stops them all. No tools are offered: a model's tool calls would ask about calls of several
/// models at once.
@MainActor
struct CompareCommand {
    let state: REPLState

    /// The most models compared at once.
    static let maximum = 4

    func run(_ models: [String]) async {
        let renderer = state.renderer
        guard !models.isEmpty, models.count <= Self.maximum else {
            state.usage("/compare MODEL [MODEL…] (1 to \(Self.maximum) model ids)")
            return
        }
        if let bad = models.first(where: { $0.contains(where: \.isWhitespace) }) {
            return renderer.error("\"\(bad)\" is not a model id")
        }
        guard let userID = state.session.pendingID ?? state.session.lastUserID else {
            renderer.notice("nothing to compare: no user message on this branch")
            return
        }
        var asking = state.session
        do {
            try asking.answerAgain(userID)
        } catch {
            return renderer.error(error.reason)
        }
        let transport = state.services.transport
        let requests = models.map { asking.request(model: $0) }
        renderer.notice("asking \(models.count) model\(models.count == 1 ? "" : "s") at once…")
        let results = await answers(
            requests, transport: transport,
            show: { index, answer in
                show(answer, number: index + 1, of: models.count, model: models[index])
            })
        guard let results else {
            renderer.notice("compare stopped; nothing was added to the conversation")
            return
        }
        var first: Int?
        for (index, answer) in results.enumerated() where answer.outcome.error == nil {
            let response = answer.outcome.response
            let usage = state.pipeline.priced(response.usage, model: response.model ?? models[index])
            let id = state.session.addAnswer(response.message, to: userID, model: response.model ?? models[index], usage: usage)
            if first == nil { first = id }
        }
        if let first {
            try? state.session.switchBranch(to: first)
            state.lastAnswer = state.session.lastAnswer
        }
        state.autosave()
        let kept = results.count { $0.outcome.error == nil }
        renderer.notice("\(kept) answer\(kept == 1 ? "" : "s") added as branches (/tree lists them, /switch K picks one)")
    }

    /// One model's finished answer and how long it took.
    struct Answer: Sendable {
        var outcome: TurnOutcome
        var seconds: Double
    }

    /// Every request at once; `show` is called in order, for each answer once it and those
    /// before it are done. Nil when Ctrl-C stopped them.
    private func answers(
        _ requests: [ChatRequest], transport: any ChatTransport, show: (Int, Answer) -> Void
    ) async -> [Answer]? {
        let waitForInterrupt = state.services.waitForInterrupt
        let clock = ContinuousClock()
        return await withTaskGroup(of: (Int, Answer)?.self) { group in
            for (index, request) in requests.enumerated() {
                group.addTask {
                    let started = clock.now
                    let outcome = await ChatTurn.run(request, transport: transport, renderer: await SilentRenderer())
                    let elapsed = clock.now - started
                    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                    return (index, Answer(outcome: outcome, seconds: seconds))
                }
            }
            if let waitForInterrupt {
                group.addTask {
                    await waitForInterrupt()
                    return nil
                }
            }
            var done: [Int: Answer] = [:]
            var shown = 0
            while let item = await group.next() {
                guard let (index, answer) = item else {
                    group.cancelAll()
                    return nil
                }
                done[index] = answer
                while let next = done[shown] {
                    show(shown, next)
                    shown += 1
                }
                if shown == requests.count {
                    group.cancelAll()
                    break
                }
            }
            return (0..<requests.count).compactMap { done[$0] }
        }
    }

    /// The header line, then the answer as it would have streamed (or its error).
    private func show(_ answer: Answer, number: Int, of count: Int, model: String) {
        let renderer = state.renderer
        let response = answer.outcome.response
        var head = "── \(number)/\(count) \(response.model ?? model)"
        if let usage = response.usage {
            head += " · \(usage.totalTokens) tokens"
            if let cost = state.pipeline.priced(usage, model: response.model ?? model)?.cost { head += " · " + UsageText.cost(cost) }
        }
        head += " · " + UsageText.seconds(answer.seconds) + " s"
        renderer.notice(head)
        if let error = answer.outcome.error {
            renderer.error(state.services.errors.line(error, in: .repl))
            return
        }
        renderer.beginAnswer()
        if !response.content.isEmpty { renderer.answerText(response.content) }
        renderer.endAnswer(response, interrupted: false)
    }
}
