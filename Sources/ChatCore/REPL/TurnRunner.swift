/// Sends one message of the REPL and records how it went: the message is saved as pending
/// before the request goes out; the request is fitted into the model's context; the answer
/// is shown as it streams; the cost is filled in from the model list when the API sent none;
/// images are saved; and the history changes only when the turn succeeds.
@MainActor
struct TurnRunner {
    let state: REPLState

    /// Sends typed text with whatever `/file` attached.
    func send(_ text: String) async {
        let files = state.pendingFiles
        state.pendingFiles.removeAll()
        await send(ChatMessage.user(text, files: files))
    }

    func send(_ message: ChatMessage) async {
        let renderer = state.renderer
        let services = state.services
        var request = state.session.request(sending: message, stream: state.stream)
        if let limit = state.modelInfo()?.contextLength {
            let (fitted, dropped) = ContextWindow.fit(request, contextLength: limit)
            if dropped > 0 {
                renderer.notice(
                    "the conversation is longer than \(state.session.model)'s context (\(limit) tokens): \(dropped) earlier messages were left out of this request (they stay in the saved transcript)"
                )
                request = fitted
            }
        }
        // Saved before the request goes out: if this process dies mid-turn, the message is
        // in the autosave as the pending one, and /retry after --continue resends it.
        state.session.beginTurn(user: message)
        state.autosave()
        var outcome = await ChatTurn.run(
            request, transport: services.transport, renderer: renderer, waitForInterrupt: services.waitForInterrupt)
        if let error = outcome.error, ContextWindow.isContextExceeded(error) {
            let (halved, dropped) = ContextWindow.halve(request)
            if dropped > 0 {
                renderer.notice(
                    "the model's context was exceeded: retrying without \(dropped) earlier messages (they stay in the saved transcript)")
                outcome = await ChatTurn.run(
                    halved, transport: services.transport, renderer: renderer, waitForInterrupt: services.waitForInterrupt)
            }
        }
        if let error = outcome.error {
            fail(message, error)
            return
        }
        var answer = outcome.response.content
        if !outcome.response.images.isEmpty {
            switch services.images?.save(answerImages: outcome.response.images) {
            case .success(let paths)?:
                renderer.output(paths.joined(separator: "\n"))
                answer += (answer.isEmpty ? "" : "\n") + "[image\(paths.count == 1 ? "" : "s") saved: \(paths.joined(separator: ", "))]"
            case .failure(let failure)?:
                renderer.error(failure.message)
            case nil:
                renderer.notice("the answer carried \(outcome.response.images.count) image(s), which cannot be saved here")
            }
        }
        state.session.recordSuccess(user: message, answer: [.assistant(answer)], usage: usage(of: outcome.response))
        state.lastAnswer = outcome.response.content
        state.autosave()
    }

    /// The usage, with the cost computed from the model list's prices when the API sent none.
    private func usage(of response: ChatResponse) -> Usage? {
        guard var usage = response.usage else { return nil }
        if usage.cost == nil, let model = state.modelInfo(response.model ?? state.session.model),
            let input = model.promptPrice, let output = model.completionPrice
        {
            usage.cost = Double(usage.promptTokens) * input + Double(usage.completionTokens) * output
        }
        return usage
    }

    private func fail(_ message: ChatMessage, _ error: ChatError) {
        let renderer = state.renderer
        state.session.recordFailure(user: message)
        state.autosave()
        if case .output(let failure) = error {
            // Nobody reads the answers any more: leave, saying why only when it is not a closed pipe.
            if case .failed = failure { renderer.error(state.services.errors.line(error, in: .repl)) }
            state.endCode = error.exitCode
            return
        }
        if error == .cancelled {
            renderer.notice("answer stopped; not added to the conversation (/retry sends it again)")
        } else {
            renderer.error(state.services.errors.line(error, in: .repl) + " (your message is kept: /retry)")
        }
    }
}
